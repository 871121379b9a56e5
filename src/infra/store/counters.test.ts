import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { counterStoreContract } from '../../../test/contracts/counter-store.contract.js'
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../../test/env.js'
import { openTestDatabase, openTestRedis, type TestRedis } from '../../../test/stores.js'
import { COUNTERS, tolerantCounters, type CounterStore } from './counters.js'
import { redisCounters } from './counters.redis.js'
import { sqlCounters } from './counters.sql.js'

const sqlHarness = (dialect: 'sqlite' | 'mysql') => async () => {
  const database = await openTestDatabase(dialect)
  return { store: sqlCounters(database.db), close: database.close }
}

counterStoreContract('SQL on SQLite', sqlHarness('sqlite'))

describe.skipIf(!TEST_DATABASE_URL)('on MariaDB', () => {
  counterStoreContract('SQL on MariaDB', sqlHarness('mysql'))
})

describe.skipIf(!TEST_REDIS_URL)('on Redis', () => {
  counterStoreContract('Redis sorted sets', async () => {
    const redis = await openTestRedis()
    return { store: redisCounters(redis.redis), close: redis.close }
  })

  describe('Redis keys', () => {
    let t: TestRedis
    beforeAll(async () => {
      t = await openTestRedis()
    })
    afterAll(() => t?.close())

    it('are the original sorted sets: count:<metric>, member = id, score = count', async () => {
      const store = redisCounters(t.redis)
      const id = 2n ** 60n + 12345n
      await store.incr(COUNTERS.userArticlesReading, id, 3)
      await store.setMany(COUNTERS.articleReading, [{ id, expected: 0, value: 9 }])
      expect(await t.raw.type('count:user:arts:reading')).toBe('zset')
      expect(await t.raw.zrange('count:user:arts:reading', 0, -1, 'WITHSCORES')).toEqual([
        id.toString(),
        '3',
      ])
      expect(await t.raw.zscore('count:art:reading', id.toString())).toBe('9')
    })

    it('read what an existing deployment already stored', async () => {
      await t.raw.zadd('count:user:followers', 42, '1234567890123456789')
      const store = redisCounters(t.redis)
      expect(await store.get(COUNTERS.userFollowers, 1234567890123456789n)).toBe(42)
    })

    it('read several ids with ZSCOREs from a server without ZMSCORE (before Redis 6.2)', async () => {
      await t.raw.zadd('count:art:liking', 5, '11', 7, '13')
      const unknown = new Error("ERR unknown command 'zmscore', with args beginning with: ")
      const zmscore = vi.spyOn(t.redis, 'zmscore').mockRejectedValue(unknown)
      const zscore = vi.spyOn(t.redis, 'zscore')
      try {
        const store = redisCounters(t.redis)
        expect(await store.getMany(COUNTERS.articleLiking, [13n, 12n, 11n])).toEqual([7, 0, 5])
        expect(await store.getMany(COUNTERS.articleLiking, [11n])).toEqual([5])
        expect(zmscore).toHaveBeenCalledTimes(1)
        expect(zscore).toHaveBeenCalledTimes(4)
      } finally {
        zmscore.mockRestore()
        zscore.mockRestore()
      }
      const zmscoreAgain = vi.spyOn(t.redis, 'zmscore')
      expect(await redisCounters(t.redis).getMany(COUNTERS.articleLiking, [11n])).toEqual([5])
      expect(zmscoreAgain).toHaveBeenCalledTimes(1)
      zmscoreAgain.mockRestore()
    })
  })
})

describe('tolerantCounters', () => {
  const down = new Error('store down')
  const failing: CounterStore = {
    get: () => Promise.reject(down),
    getMany: () => Promise.reject(down),
    getEach: () => Promise.reject(down),
    incr: () => Promise.reject(down),
    add: () => Promise.reject(down),
    scan: () => Promise.reject(down),
    setMany: () => Promise.reject(down),
  }
  const log = pino({ level: 'silent' })

  it('answers 0 for reads and drops increments while the store fails, logging each', async () => {
    const warn = vi.spyOn(log, 'warn')
    const counters = tolerantCounters(failing, log)
    expect(await counters.get(COUNTERS.articleReading, 1n)).toBe(0)
    expect(await counters.getMany(COUNTERS.articleReading, [1n, 2n, 3n])).toEqual([0, 0, 0])
    expect(await counters.getEach([COUNTERS.userLiked, COUNTERS.userArticles], 1n)).toEqual([0, 0])
    await expect(counters.incr(COUNTERS.articleReading, 1n, 2)).resolves.toBe(0)
    await expect(counters.add(COUNTERS.articleReading, 1n, 3)).resolves.toBeUndefined()
    expect(warn).toHaveBeenCalledTimes(5)
  })

  it('passes results through while the store works', async () => {
    const working: CounterStore = {
      get: async () => 4,
      getMany: async (_name, ids) => ids.map(() => 5),
      getEach: async (names) => names.map(() => 6),
      incr: async (_name, _id, by = 1) => 10 + by,
      add: async () => undefined,
      scan: async () => ({ entries: [], next: null }),
      setMany: async () => 0,
    }
    const counters = tolerantCounters(working, log)
    expect(await counters.get(COUNTERS.articleReading, 1n)).toBe(4)
    expect(await counters.getMany(COUNTERS.articleReading, [1n, 2n])).toEqual([5, 5])
    expect(await counters.getEach([COUNTERS.userLiked], 1n)).toEqual([6])
    expect(await counters.incr(COUNTERS.articleReading, 1n, -1)).toBe(9)
  })

  it('never reads below 0: a decrement that landed on a lost counter shows as 0', async () => {
    const negative: CounterStore = {
      get: async () => -2,
      getMany: async (_name, ids) => ids.map(() => -1),
      getEach: async (names) => names.map((_, i) => i - 1),
      incr: async () => -3,
      add: async () => undefined,
      scan: async () => ({ entries: [], next: null }),
      setMany: async () => 0,
    }
    const counters = tolerantCounters(negative, log)
    expect(await counters.get(COUNTERS.articleLiking, 1n)).toBe(0)
    expect(await counters.getMany(COUNTERS.articleLiking, [1n, 2n])).toEqual([0, 0])
    expect(await counters.getEach([COUNTERS.userLiked, COUNTERS.userArticles], 1n)).toEqual([0, 0])
    expect(await counters.incr(COUNTERS.articleLiking, 1n, -1)).toBe(0)
  })

  it('remembers the increments it dropped, summed per counter and id, until taken', async () => {
    const counters = tolerantCounters(failing, log)
    await counters.incr(COUNTERS.articleComments, 7n)
    await counters.incr(COUNTERS.articleComments, 7n)
    await counters.incr(COUNTERS.commentLiking, 9n, -1)
    const missed = counters.takeMissed()
    expect(missed.get(COUNTERS.articleComments)).toEqual(new Map([[7n, 2]]))
    expect(missed.get(COUNTERS.commentLiking)).toEqual(new Map([[9n, -1]]))
    expect(counters.takeMissed().size).toBe(0)
  })

  it('lets a failed repair write fail: the repair job must know', async () => {
    await expect(tolerantCounters(failing, log).setMany(COUNTERS.articleReading, [])).rejects.toBe(
      down,
    )
  })
})
