import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import { RATE_LIMIT_PREFIX, type RateCounterStore } from '../infra/store/rate-counters.js'

type Callback = Parameters<FastifyRateLimitStore['incr']>[1]

/**
 * @fastify/rate-limit's store on Headline's rate counters (Redis, or SQL when embedded). Keys
 * are `headline:ratelimit:<key generator's name>`; a limit set in a route's config adds
 * `<METHOD><url>:` before the name. (The plugin's own Redis store named limiters made with
 * `createRateLimit` `undefinedundefined-…`.)
 */
export function rateLimitStore(counters: RateCounterStore): FastifyRateLimitStoreCtor {
  const store = (group: string): FastifyRateLimitStore => ({
    // The plugin passes the window (ms) as a third argument that its types leave out.
    incr: ((key: string, callback: Callback, timeWindow: number) => {
      counters.hit(`${RATE_LIMIT_PREFIX}${group}${key}`, timeWindow).then(
        (window) => callback(null, { current: window.hits, ttl: window.ttlMs }),
        (error: Error) => callback(error),
      )
    }) as FastifyRateLimitStore['incr'],
    child(route) {
      const info = (route as { routeInfo?: { method?: string; url?: string } }).routeInfo
      return store(info?.method && info.url ? `${info.method}${info.url}:` : '')
    },
  })
  return function CounterStore() {
    return store('')
  } as unknown as FastifyRateLimitStoreCtor
}
