import { AsyncResource } from 'node:async_hooks'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AdminTokenService } from '../features/mis/access/admin-tokens.js'
import type { RecentWriters } from '../infra/db/recent-writers.js'

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Read-your-writes over read replicas. Every request runs in a read scope that names its caller
 * (a user, or an administrator); a write request reads the primary, and once it has answered
 * without error, its caller's reads go to the primary for the window (`RecentWriters`).
 * Register before the features: the scope must wrap every hook that reads.
 */
export function registerReadRouting(
  app: FastifyInstance,
  deps: { writers: RecentWriters; adminTokens: AdminTokenService },
) {
  const scopes = new WeakMap<FastifyRequest, AsyncResource>()
  const readerOf = (request: FastifyRequest): string | undefined => {
    const claims = request.caller?.claims
    if (claims) return `user:${claims.userId}`
    const header = request.headers.authorization ?? ''
    if (!header.startsWith('Bearer ')) return undefined
    const admin = deps.adminTokens.verify(header.slice(7).trim())
    return admin ? `admin:${admin.administratorId}` : undefined
  }

  app.addHook('onRequest', (request, _reply, done) => {
    const scope = { reader: () => readerOf(request), writing: !READS.has(request.method) }
    deps.writers.run(scope, () => {
      const resource = new AsyncResource('headline-read-scope')
      scopes.set(request, resource)
      resource.runInAsyncScope(done)
    })
  })
  // From here on Fastify continues from the request stream's events, outside that scope.
  app.addHook('preValidation', (request, _reply, done) => {
    const resource = scopes.get(request)
    if (resource) resource.runInAsyncScope(done)
    else done()
  })
  app.addHook('onSend', async (request, reply, payload) => {
    if (!READS.has(request.method) && reply.statusCode < 400) {
      const reader = readerOf(request)
      if (reader !== undefined) await deps.writers.wrote(reader)
    }
    return payload
  })
}
