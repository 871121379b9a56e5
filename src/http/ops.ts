import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import type { Deps } from '../deps.js'

/** The longest a readiness check may take: a load balancer's probe must not hang. */
export const READINESS_CHECK_MS = 1000

function withinCheckTime<T>(check: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${READINESS_CHECK_MS} ms`)),
      READINESS_CHECK_MS,
    )
  })
  // The check may still settle later; its outcome no longer matters.
  check.catch(() => undefined)
  return Promise.race([check, timeout]).finally(() => clearTimeout(timer))
}

/** Liveness, readiness (database and Redis), Prometheus metrics and the original's route map. */
/**
 * Call on the root instance before registering features: it also records every route for `GET /`.
 */
export function registerOps(app: FastifyInstance, deps: Deps) {
  const hide = { hide: true }
  app.get('/healthz', { schema: hide }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: hide }, async (_request, reply) => {
    const checks: Record<string, string> = {}
    try {
      await withinCheckTime(sql`select 1`.execute(deps.db.write))
      checks['database'] = 'ok'
    } catch (error) {
      checks['database'] = `failing: ${(error as Error).message}`
    }
    const down = deps.db.replicas?.down()
    if (down) {
      // A replica out of rotation only moves its reads to the others or the primary.
      checks['replicas'] = down.length === 0 ? 'ok' : `degraded: ${down.join(', ')} out of rotation`
    }
    if (deps.redis) {
      // Redis is not required to serve: a failing Redis only degrades the cache.
      checks['redis'] = deps.redis.status === 'ready' ? 'ok' : `degraded: ${deps.redis.status}`
    }
    const ready = checks['database'] === 'ok'
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'failing', checks })
  })

  app.get('/metrics', { schema: hide }, async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType)
    return deps.metrics.registry.metrics()
  })

  const routes: Record<string, string> = {}
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/app/') && route.method !== 'HEAD') {
      routes[`${String(route.method).toLowerCase()} ${route.url}`] = route.url
    }
  })
  app.get('/', { schema: hide }, async () => routes)
}
