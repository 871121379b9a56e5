import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTestDatabase, type TestDatabase } from '../../../test/stores.js'
import { sqlActivity, hourOf } from './activity.js'
import { COUNTERS } from './counters.js'
import { sqlCounters } from './counters.sql.js'
import { sqlSortedSets } from './sorted-sets.sql.js'
import { writeBehind, type WriteBehind } from './write-behind.js'

const log = pino({ level: 'silent' })

describe('writeBehind (embedded SQL stores)', () => {
  let database: TestDatabase
  let behind: WriteBehind
  // The stores written directly: what SQLite holds.
  let stored: {
    counters: ReturnType<typeof sqlCounters>
    sortedSets: ReturnType<typeof sqlSortedSets>
    activity: ReturnType<typeof sqlActivity>
  }

  beforeEach(async () => {
    database = await openTestDatabase('sqlite')
    stored = {
      counters: sqlCounters(database.db),
      sortedSets: sqlSortedSets(database.db),
      activity: sqlActivity(database.db, log),
    }
    // A timer too slow to fire during a test: only flush and close write.
    behind = writeBehind(database.db, stored, log, { flushMs: 3_600_000 })
  })
  afterEach(async () => {
    await behind.close()
    await database.close()
  })

  it('holds added counts in memory, reads them with the stored ones, writes them on flush', async () => {
    const id = 2n ** 60n + 7n
    await stored.counters.incr(COUNTERS.articleReading, id, 5)
    await behind.counters.add(COUNTERS.articleReading, id)
    await behind.counters.add(COUNTERS.articleReading, id, 2)
    expect(await stored.counters.get(COUNTERS.articleReading, id)).toBe(5)
    expect(await behind.counters.get(COUNTERS.articleReading, id)).toBe(8)
    expect(await behind.counters.getMany(COUNTERS.articleReading, [1n, id])).toEqual([0, 8])
    expect(await behind.counters.getEach([COUNTERS.articleReading], id)).toEqual([8])
    expect(await behind.counters.incr(COUNTERS.articleReading, id)).toBe(9)
    await behind.flush()
    expect(await stored.counters.get(COUNTERS.articleReading, id)).toBe(9)
    expect(await behind.counters.get(COUNTERS.articleReading, id)).toBe(9)
  })

  it('never hides a write of this process behind a count read before it', async () => {
    const id = 21n
    expect(await behind.counters.getMany(COUNTERS.articleLiking, [id])).toEqual([0])
    await behind.counters.incr(COUNTERS.articleLiking, id, 2)
    expect(await behind.counters.get(COUNTERS.articleLiking, id)).toBe(2)
    await behind.counters.add(COUNTERS.articleLiking, id)
    await behind.flush()
    expect(await behind.counters.getEach([COUNTERS.articleLiking], id)).toEqual([3])
    await behind.counters.setMany(COUNTERS.articleLiking, [{ id, expected: 3, value: 7 }])
    expect(await behind.counters.get(COUNTERS.articleLiking, id)).toBe(7)
  })

  it('scans and repairs only after writing what is pending', async () => {
    await behind.counters.add(COUNTERS.articleReading, 3n, 4)
    const page = await behind.counters.scan(COUNTERS.articleReading, undefined, 10)
    expect(page.entries).toEqual([[3n, 4]])
    const written = await behind.counters.setMany(COUNTERS.articleReading, [
      { id: 3n, expected: 4, value: 6 },
    ])
    expect(written).toBe(1)
    expect(await stored.counters.get(COUNTERS.articleReading, 3n)).toBe(6)
  })

  it('writes a capped set before it is read, keeping the newest members', async () => {
    const key = 'user:1:his:reading'
    for (let i = 1; i <= 5; i++) await behind.sortedSets.addCapped(key, `a${i}`, i, 3)
    await behind.sortedSets.addCapped(key, 'a2', 9, 3)
    expect(await stored.sortedSets.count(key)).toBe(0)
    expect(await behind.sortedSets.rangeDesc(key, 0, -1)).toEqual([
      { member: 'a2', score: 9 },
      { member: 'a5', score: 5 },
      { member: 'a4', score: 4 },
    ])
    expect(await stored.sortedSets.count(key)).toBe(3)
  })

  it('writes sets with a TTL behind too, the TTL counted from the write', async () => {
    const key = 'reco:dev:x:shown'
    await behind.sortedSets.add(key, 'p1', 1, 60)
    await behind.sortedSets.addCapped(key, 'p2', 2, 5, 60)
    const before = Date.now()
    await behind.flush()
    expect(await stored.sortedSets.rangeDesc(key, 0, -1)).toEqual([
      { member: 'p2', score: 2 },
      { member: 'p1', score: 1 },
    ])
    const rows = await database.db
      .selectFrom('headline_sorted_set')
      .select('expires_at')
      .where('set_key', '=', key)
      .execute()
    for (const row of rows) expect(Number(row.expires_at)).toBeGreaterThanOrEqual(before + 60_000)
  })

  it('counts activity per hour, written before the hour is read', async () => {
    const now = Date.UTC(2026, 0, 2, 10, 30)
    await behind.activity.record({ kind: 'read', userId: 7n }, now)
    await behind.activity.record({ kind: 'read', userId: 7n }, now)
    await behind.activity.record({ kind: 'read', userId: null }, now)
    await behind.activity.record({ kind: 'search', userId: 8n, keyword: 'python' }, now)
    expect((await stored.activity.hour(hourOf(now))).reads).toBe(0)
    const hour = await behind.activity.hour(hourOf(now))
    expect(hour.reads).toBe(3)
    expect(hour.searches).toBe(1)
    expect([...hour.users].sort()).toEqual(['7', '8'])
    expect(hour.keywords).toEqual(new Map([['python', 1]]))
  })

  it('writes what is pending on close', async () => {
    await behind.counters.add(COUNTERS.userArticlesReading, 11n, 3)
    await behind.sortedSets.addCapped('user:11:his:reading', '42', 1, 100)
    await behind.close()
    expect(await stored.counters.get(COUNTERS.userArticlesReading, 11n)).toBe(3)
    expect(await stored.sortedSets.rangeDesc('user:11:his:reading', 0, -1)).toEqual([
      { member: '42', score: 1 },
    ])
  })

  it('keeps the writes of a failed flush for the next one', async () => {
    await behind.counters.add(COUNTERS.articleReading, 5n, 2)
    await database.db.schema.alterTable('headline_counter').renameTo('counter_away').execute()
    await expect(behind.flush()).rejects.toThrow()
    await database.db.schema.alterTable('counter_away').renameTo('headline_counter').execute()
    await behind.counters.add(COUNTERS.articleReading, 5n, 1)
    await behind.flush()
    expect(await stored.counters.get(COUNTERS.articleReading, 5n)).toBe(3)
  })
})
