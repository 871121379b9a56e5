import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Deps } from '../deps.js'
import { registerOps } from '../http/ops.js'

/**
 * The HTTP side of the `im` command: no API routes, only health, readiness and metrics; the
 * caller attaches the socket server to `app.server`.
 */
export async function buildImApp(deps: Deps): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.log as FastifyBaseLogger })
  registerOps(app, deps)
  return app
}
