import type { RedisClient } from '../redis/redis.js'
import type { CounterStore } from './counters.js'

const RESET_CHUNK = 1000

/** Counters in the original's Redis sorted sets. */
export function redisCounters(redis: RedisClient): CounterStore {
  /** ZSCORE of each (counter, member) pair in one round trip; 0 when uncounted. */
  const scores = async (pairs: readonly (readonly [string, bigint])[]) => {
    if (pairs.length === 0) return []
    const pipeline = redis.pipeline()
    for (const [name, id] of pairs) pipeline.zscore(name, id.toString())
    const results = (await pipeline.exec()) ?? []
    return results.map(([error, score]) => {
      if (error) throw error
      return Number(score ?? 0)
    })
  }
  return {
    async get(name, id) {
      return Number((await redis.zscore(name, id.toString())) ?? 0)
    },
    getMany: (name, ids) => scores(ids.map((id) => [name, id])),
    getEach: (names, id) => scores(names.map((name) => [name, id])),
    async incr(name, id, by = 1) {
      return Number(await redis.zincrby(name, by, id.toString()))
    },
    async reset(name, counts) {
      // One transaction, so readers never see the counter half rebuilt.
      const multi = redis.multi().del(name)
      const entries = [...counts].filter(([, count]) => count !== 0)
      for (let i = 0; i < entries.length; i += RESET_CHUNK) {
        const args = entries
          .slice(i, i + RESET_CHUNK)
          .flatMap(([id, count]) => [count, id.toString()])
        multi.zadd(name, ...args)
      }
      await multi.exec()
    },
  }
}
