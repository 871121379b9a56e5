import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { STATE_TTL_SECONDS } from './reco-state.js'

const WEEK_MS = STATE_TTL_SECONDS.device * 1000

describe('anonymous device state', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const feed = (authorization: string) =>
    t.app.inject({
      url: `/v1_1/articles?channel_id=1&timestamp=${Date.now()}&with_top=1`,
      headers: { authorization },
    })

  /** Keys of device state (shown pages, signals) in whichever store the app uses. */
  const deviceKeys = async (): Promise<string[]> => {
    const { redis } = t.deps
    await t.deps.flushWrites()
    if (redis) {
      const keys = await redis.keys(`${t.redisPrefix}reco:*:d:*`)
      return keys.map((key) => key.slice(t.redisPrefix.length))
    }
    const rows = await t.deps.db.write
      .selectFrom('headline_sorted_set')
      .select('set_key')
      .distinct()
      .where('set_key', 'like', 'reco:%:d:%')
      .execute()
    return rows.map((row) => row.set_key)
  }

  /** Milliseconds until the set expires (-1: never). */
  const expiresIn = async (key: string): Promise<number> => {
    await t.deps.flushWrites()
    if (t.deps.redis) return t.deps.redis.pttl(key)
    const row = await t.deps.db.write
      .selectFrom('headline_sorted_set')
      .select(sql<string>`MIN(COALESCE(expires_at, -1))`.as('at'))
      .where('set_key', '=', key)
      .executeTakeFirstOrThrow()
    return Number(row.at) < 0 ? -1 : Number(row.at) - Date.now()
  }

  it('lives a week after its last feed page', async () => {
    expect((await feed('Anony 3f2a9c1e-0b7d-4e52-9a61-5c8d2e7f4b10')).statusCode).toBe(200)
    const key = 'reco:shown:d:3f2a9c1e-0b7d-4e52-9a61-5c8d2e7f4b10'
    expect(await deviceKeys()).toContain(key)
    const left = await expiresIn(key)
    expect(left).toBeGreaterThan(WEEK_MS - 60_000)
    expect(left).toBeLessThanOrEqual(WEEK_MS)
  })

  it('is never created for a malformed device id, which gets the plain feed', async () => {
    const before = await deviceKeys()
    for (const id of ['x'.repeat(65), 'a{b}', '设备', 'a%00b', "d'; DROP", 'a/b']) {
      const response = await feed(`Anony ${id}`)
      expect(response.statusCode).toBe(200)
      expect(response.json().data.results.length).toBeGreaterThan(0)
    }
    expect(await deviceKeys()).toEqual(before)
  })
})
