import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../../test/env.js'
import {
  openTestDatabase,
  openTestRedis,
  type TestDatabase,
  type TestRedis,
} from '../../../test/stores.js'
import { purgeExpiredState } from './purge.js'
import { sqlRateCounters } from './rate-counters.sql.js'
import { sqlSmsCodes } from './sms-codes.sql.js'
import { redisSortedSets } from './sorted-sets.redis.js'
import { sqlSortedSets, writeMembers, writeSets, type SetWrite } from './sorted-sets.sql.js'

const DAY = 86_400

function sqlExpiry(dialect: 'sqlite' | 'mysql') {
  describe(`expiring sorted sets and purge on ${dialect}`, () => {
    let database: TestDatabase
    let now = Date.UTC(2026, 0, 1)
    const clock = () => now
    beforeAll(async () => {
      database = await openTestDatabase(dialect)
    })
    afterAll(() => database?.close())

    it('hides an expired set at once, starts it afresh on the next write, purges its rows', async () => {
      const store = sqlSortedSets(database.db, clock)
      await store.add('device', 'a', 1, 7 * DAY)
      await store.addCapped('device', 'b', 2, 10, 7 * DAY)
      await store.add('history', 'kept', 1)
      expect(await store.count('device')).toBe(2)

      now += 6 * DAY * 1000
      await store.add('device', 'c', 3, 7 * DAY) // a write moves the expiry of the whole set
      now += 6 * DAY * 1000
      expect((await store.rangeDesc('device', 0, -1)).map((m) => m.member)).toEqual(['c', 'b', 'a'])

      now += 2 * DAY * 1000
      expect(await store.count('device')).toBe(0)
      expect(await store.score('device', 'a')).toBeNull()
      expect(await store.rangeDesc('device', 0, -1)).toEqual([])

      await store.add('device', 'd', 4, 7 * DAY)
      expect((await store.rangeDesc('device', 0, -1)).map((m) => m.member)).toEqual(['d'])

      await store.add('gone', 'x', 1, 60)
      now += 61_000
      const purged = await purgeExpiredState(database.db, now)
      expect(purged.sortedSetRows).toBe(1)
      const rows = await database.db
        .selectFrom('headline_sorted_set')
        .select(['set_key', 'member'])
        .orderBy('set_key')
        .execute()
      expect(rows).toEqual([
        { set_key: 'device', member: 'd' },
        { set_key: 'history', member: 'kept' },
      ])
    })

    it('reads ranges by rank as ZREVRANGE does: from a start, up to a stop or to the end', async () => {
      const store = sqlSortedSets(database.db, clock)
      for (const [i, member] of ['a', 'b', 'c', 'd', 'e'].entries()) {
        await store.add('ranks', member, i + 1)
      }
      const range = async (start: number, stop: number) =>
        (await store.rangeDesc('ranks', start, stop)).map((m) => m.member).join('')
      expect(await range(0, -1)).toBe('edcba')
      expect(await range(0, 1)).toBe('ed')
      expect(await range(1, -1)).toBe('dcba')
      expect(await range(1, 2)).toBe('dc')
      expect(await range(3, 10)).toBe('ba')
      expect(await range(5, -1)).toBe('')
      expect(await range(2, 1)).toBe('')
    })

    it('writes many sets at once as it writes them one by one', async () => {
      const store = sqlSortedSets(database.db, clock)
      // Before: a live set, an expired one (starts afresh), one without TTL, one at its cap.
      for (const prefix of ['one:', 'many:']) {
        await store.add(`${prefix}live`, 'old', 1, 60)
        await store.add(`${prefix}expired`, 'gone', 1, 1)
        await store.add(`${prefix}history`, 'kept', 1)
        await store.addCapped(`${prefix}capped`, 'first', 1, 2, 60)
        await store.addCapped(`${prefix}capped`, 'second', 2, 2, 60)
      }
      now += 2000
      const writes = (prefix: string): SetWrite[] => [
        {
          key: `${prefix}live`,
          members: [
            ['new', 2],
            ['old', 3],
          ],
          ttlSeconds: 120,
        },
        { key: `${prefix}expired`, members: [['fresh', 5]], ttlSeconds: 60 },
        { key: `${prefix}history`, members: [['more', 2]] },
        { key: `${prefix}capped`, members: [['third', 3]], keep: 2, ttlSeconds: 60 },
        { key: `${prefix}empty`, members: [['only', 1]], ttlSeconds: 30 },
      ]
      await database.db.transaction().execute(async (trx) => {
        for (const { key, members, ...options } of writes('one:')) {
          await writeMembers(trx, key, members, options, clock)
        }
        await writeSets(trx, writes('many:'), clock)
      })
      const rowsOf = async (prefix: string) =>
        (
          await database.db
            .selectFrom('headline_sorted_set')
            .select(['set_key', 'member', 'score', 'expires_at'])
            .where('set_key', 'like', `${prefix}%`)
            .orderBy('set_key')
            .orderBy('member')
            .execute()
        ).map((row) => ({
          ...row,
          set_key: row.set_key.slice(prefix.length),
          score: Number(row.score),
          expires_at: row.expires_at === null ? null : Number(row.expires_at),
        }))
      const expected = await rowsOf('one:')
      expect(expected.map((row) => `${row.set_key}/${row.member}`)).toEqual([
        'capped/second',
        'capped/third',
        'empty/only',
        'expired/fresh',
        'history/kept',
        'history/more',
        'live/new',
        'live/old',
      ])
      expect(await rowsOf('many:')).toEqual(expected)
    })

    it('purges expired SMS codes and rate windows, and only those', async () => {
      const codes = sqlSmsCodes(database.db, clock)
      const counters = sqlRateCounters(database.db, clock)
      await codes.save('app', '13900000001', '123456', 300)
      await counters.hit('old', 60_000)
      now += 120_000
      await codes.save('app', '13900000002', '654321', 300)
      await counters.hit('new', 60_000)
      const purged = await purgeExpiredState(database.db, now)
      expect(purged).toMatchObject({ smsCodes: 0, rateCounters: 1 })
      now += 200_000
      expect((await purgeExpiredState(database.db, now)).smsCodes).toBe(1)
      expect(await codes.check('app', '13900000002', '654321')).toBe(true)
      expect((await counters.peek('new')).hits).toBe(0)
    })
  })
}

sqlExpiry('sqlite')
describe.skipIf(!TEST_DATABASE_URL)('MariaDB', () => sqlExpiry('mysql'))

describe.skipIf(!TEST_REDIS_URL)('expiring sorted sets on Redis', () => {
  let t: TestRedis
  beforeAll(async () => {
    t = await openTestRedis()
  })
  afterAll(() => t?.close())

  it('sets the TTL of the whole set on every write that gives one', async () => {
    const store = redisSortedSets(t.redis)
    await store.add('device', 'a', 1, 7 * DAY)
    await store.addCapped('device', 'b', 2, 1, 7 * DAY)
    expect(await t.raw.zrange('device', 0, -1)).toEqual(['b'])
    const ttl = await t.raw.ttl('device')
    expect(ttl).toBeGreaterThan(7 * DAY - 60)
    expect(ttl).toBeLessThanOrEqual(7 * DAY)
    await store.add('history', 'kept', 1)
    expect(await t.raw.ttl('history')).toBe(-1)
  })
})
