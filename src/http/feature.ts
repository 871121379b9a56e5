import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Deps } from '../deps.js'

/** A feature's routes: a Fastify plugin that receives the dependencies. */
export type Feature = (app: FastifyInstance, options: { deps: Deps }) => Promise<void>

/** The instance with TypeBox typing, so handlers see their schemas' types. */
export const typed = (app: FastifyInstance) => app.withTypeProvider<TypeBoxTypeProvider>()
