import type { RedisClient } from '../redis/redis.js'
import type { CounterStore } from './counters.js'

const RESET_CHUNK = 1000

/** Counters in the original's Redis sorted sets. */
export function redisCounters(redis: RedisClient): CounterStore {
  return {
    async get(name, id) {
      return Number((await redis.zscore(name, id.toString())) ?? 0)
    },
    async getMany(name, ids) {
      if (ids.length === 0) return []
      const pipeline = redis.pipeline()
      for (const id of ids) pipeline.zscore(name, id.toString())
      const results = (await pipeline.exec()) ?? []
      return results.map(([error, score]) => {
        if (error) throw error
        return Number(score ?? 0)
      })
    },
    async getEach(names, id) {
      if (names.length === 0) return []
      const pipeline = redis.pipeline()
      for (const name of names) pipeline.zscore(name, id.toString())
      const results = (await pipeline.exec()) ?? []
      return results.map(([error, score]) => {
        if (error) throw error
        return Number(score ?? 0)
      })
    },
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
