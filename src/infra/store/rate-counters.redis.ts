import type { RedisClient } from '../redis/redis.js'
import type { RateCounterStore } from './rate-counters.js'

const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {n, ttl}`

/** Rate counters as Redis strings with a TTL. */
export function redisRateCounters(redis: RedisClient): RateCounterStore {
  return {
    async hit(key, windowMs) {
      const [hits, ttlMs] = (await redis.eval(HIT, 1, key, windowMs)) as [number, number]
      return { hits, ttlMs }
    },
    async peek(key) {
      const [[, hits], [, ttl]] = ((await redis.multi().get(key).pttl(key).exec()) ?? []) as [
        [unknown, string | null],
        [unknown, number],
      ]
      return hits === null ? { hits: 0, ttlMs: 0 } : { hits: Number(hits), ttlMs: Math.max(0, ttl) }
    },
  }
}
