import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { smsCodeStoreContract } from '../../../test/contracts/sms-code-store.contract.js'
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../../test/env.js'
import { openTestDatabase, openTestRedis, type TestRedis } from '../../../test/stores.js'
import { redisSmsCodes } from './sms-codes.redis.js'
import { sqlSmsCodes } from './sms-codes.sql.js'

const sqlHarness = (dialect: 'sqlite' | 'mysql') => async () => {
  const database = await openTestDatabase(dialect)
  let now = Date.UTC(2026, 0, 1)
  return {
    store: sqlSmsCodes(database.db, () => now),
    elapse: async (seconds: number) => void (now += seconds * 1000),
    close: database.close,
  }
}

smsCodeStoreContract('SQL on SQLite', sqlHarness('sqlite'))

describe.skipIf(!TEST_DATABASE_URL)('on MariaDB', () => {
  smsCodeStoreContract('SQL on MariaDB', sqlHarness('mysql'))
})

describe.skipIf(!TEST_REDIS_URL)('on Redis', () => {
  smsCodeStoreContract('Redis strings', async () => {
    const redis = await openTestRedis()
    return {
      store: redisSmsCodes(redis.redis),
      // Redis expires keys on its own clock: wait for real.
      elapse: (seconds: number) => new Promise<void>((done) => setTimeout(done, seconds * 1000)),
      close: redis.close,
    }
  })

  describe('Redis keys', () => {
    let t: TestRedis
    beforeAll(async () => {
      t = await openTestRedis()
    })
    afterAll(() => t?.close())

    it('are the original app:code:<mobile> strings with the TTL given', async () => {
      const store = redisSmsCodes(t.redis)
      await store.save('app', '13911111111', '024680', 300)
      await store.save('mp', '13911111111', '135790', 300)
      expect(await t.raw.type('app:code:13911111111')).toBe('string')
      expect(await t.raw.get('app:code:13911111111')).toBe('024680')
      expect(await t.raw.get('mp:code:13911111111')).toBe('135790')
      const ttl = await t.raw.ttl('app:code:13911111111')
      expect(ttl).toBeGreaterThan(290)
      expect(ttl).toBeLessThanOrEqual(300)
      expect(await store.check('app', '13911111111', '000000')).toBe(false)
      expect(await t.raw.get('app:code:13911111111')).toBe('024680')
      expect(await t.raw.get('app:code:13911111111:tries')).toBe('1')
      expect(await store.check('app', '13911111111', '024680')).toBe(true)
      expect(await t.raw.exists('app:code:13911111111', 'app:code:13911111111:tries')).toBe(0)
    })

    it('check a code an existing deployment stored, and give its tries a TTL', async () => {
      await t.raw.setex('app:code:13800000000', 300, '987654')
      const store = redisSmsCodes(t.redis)
      expect(await store.check('app', '13800000000', '000000')).toBe(false)
      expect(await t.raw.ttl('app:code:13800000000:tries')).toBeGreaterThan(0)
      expect(await store.check('app', '13800000000', '987654')).toBe(true)
    })
  })
})
