import type { RedisClient } from '../redis/redis.js'
import type { Scored, SortedSetStore } from './sorted-sets.js'

/** Sorted sets in Redis, under the original's keys. */
export function redisSortedSets(redis: RedisClient): SortedSetStore {
  return {
    async add(key, member, score, ttlSeconds) {
      if (ttlSeconds === undefined) return void (await redis.zadd(key, score, member))
      await redis.multi().zadd(key, score, member).expire(key, ttlSeconds).exec()
    },
    async addCapped(key, member, score, keep, ttlSeconds) {
      const write = redis
        .multi()
        .zadd(key, score, member)
        .zremrangebyrank(key, 0, -(keep + 1))
      if (ttlSeconds !== undefined) write.expire(key, ttlSeconds)
      await write.exec()
    },
    async remove(key, members) {
      if (members.length > 0) await redis.zrem(key, ...members)
    },
    async score(key, member) {
      const score = await redis.zscore(key, member)
      return score === null ? null : Number(score)
    },
    count: (key) => redis.zcard(key),
    async rangeDesc(key, start, stop) {
      const flat = await redis.zrevrange(key, start, stop, 'WITHSCORES')
      const items: Scored[] = []
      for (let i = 0; i + 1 < flat.length; i += 2) {
        items.push({ member: flat[i] as string, score: Number(flat[i + 1]) })
      }
      return items
    },
    async clear(key) {
      await redis.del(key)
    },
  }
}
