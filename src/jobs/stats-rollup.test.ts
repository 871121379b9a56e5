import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { approvedArticles } from '../../test/interactions.js'
import { login } from '../../test/login.js'
import { createJobLocks, runJob } from './runner.js'
import { statsRollupJob } from './stats-rollup.js'
import { localDay } from './zoned-time.js'

const MEASURES = [
  'new_users',
  'active_users',
  'new_articles',
  'approved_articles',
  'new_comments',
  'article_reads',
  'searches',
] as const
type Totals = Record<(typeof MEASURES)[number], number>

describe('stats-rollup', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
    await vi.waitFor(() => t.deps.search.search('缓存', { page: 1, perPage: 1 }), 20_000)
  }, 30_000)
  afterAll(() => t?.close())

  const rollup = async () => {
    const result = await runJob(t.deps, createJobLocks(t.deps), statsRollupJob, { cause: 'manual' })
    expect(result.outcome).toBe('ok')
  }
  const toTotals = (row: Record<string, unknown> | undefined) =>
    Object.fromEntries(MEASURES.map((m) => [m, Number(row?.[m] ?? 0)])) as Totals
  const daily = async (day: string) =>
    toTotals(
      await t.deps.db.read
        .selectFrom('stat_daily')
        .selectAll()
        .where('day', '=', day)
        .executeTakeFirst(),
    )
  // The sum of a day's hours: the same whichever hour the test runs in.
  const hours = async (day: string) => {
    const rows = await t.deps.db.read
      .selectFrom('stat_hourly')
      .selectAll()
      .where('day', '=', day)
      .execute()
    const sum = toTotals(undefined)
    for (const row of rows) for (const m of MEASURES) sum[m] += Number(row[m])
    return sum
  }
  const keywords = async (day: string) => {
    const rows = await t.deps.db.read
      .selectFrom('stat_search_keyword')
      .select(['keyword', 'searches'])
      .where('day', '=', day)
      .execute()
    return Object.fromEntries(rows.map((row) => [row.keyword, Number(row.searches)]))
  }

  it('counts what users did today, by day and by hour, from SQL and the activity buckets', async () => {
    const today = localDay(Date.now(), t.deps.config.jobs.timezone)
    await rollup()
    const [dayBefore, hoursBefore, wordsBefore] = [
      await daily(today),
      await hours(today),
      await keywords(today),
    ]

    const reader = await login(t.app, '13700000123') // a new user, active today
    const [article] = await approvedArticles(t, 1)
    for (const headers of [reader.auth, reader.auth, {}]) {
      expect(
        (await t.app.inject({ url: `/v1_0/articles/${article!.id}`, headers })).statusCode,
      ).toBe(200)
    }
    for (const [q, headers] of [
      ['缓存', reader.auth],
      ['缓存', {}],
      ['python', reader.auth],
    ] as const) {
      expect(
        (await t.app.inject({ url: `/v1_0/search?q=${encodeURIComponent(q)}`, headers }))
          .statusCode,
      ).toBe(200)
    }
    const comment = await t.app.inject({
      method: 'POST',
      url: '/v1_0/comments',
      headers: reader.auth,
      payload: { target: article!.id.toString(), content: '统计' },
    })
    expect(comment.statusCode).toBe(201)

    await rollup()
    const expected = {
      new_users: 1,
      active_users: 1,
      new_articles: 0,
      approved_articles: 0,
      new_comments: 1,
      article_reads: 3,
      searches: 3,
    }
    const delta = (after: Totals, before: Totals) =>
      Object.fromEntries(MEASURES.map((m) => [m, after[m] - before[m]]))
    expect(delta(await daily(today), dayBefore)).toEqual(expected)
    expect(delta(await hours(today), hoursBefore)).toMatchObject({
      ...expected,
      active_users: expect.any(Number),
    })
    const words = await keywords(today)
    expect((words['缓存'] ?? 0) - (wordsBefore['缓存'] ?? 0)).toBe(2)
    expect((words['python'] ?? 0) - (wordsBefore['python'] ?? 0)).toBe(1)

    // Run again: the same numbers (the rows are rewritten, not added to).
    await rollup()
    expect(delta(await daily(today), dayBefore)).toEqual(expected)
  })
})
