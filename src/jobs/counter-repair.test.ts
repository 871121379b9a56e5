import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { approvedArticles, approvedComments, articleCard } from '../../test/interactions.js'
import { exactJson } from '../../test/json.js'
import { login } from '../../test/login.js'
import { COUNTERS, type CounterName } from '../infra/store/counters.js'
import { ALL_COUNTERS, counterRepairJob, repairCounters } from './counter-repair.js'
import { lastRuns } from './runs.repo.js'
import { createJobLocks, runJob } from './runner.js'

/** Sets a stored count to exactly `value`, whatever it was (0 removes the member). */
async function force(t: TestApp, name: CounterName, id: bigint, value: number) {
  const raw = t.deps.counters.raw
  const expected = await raw.get(name, id)
  expect(await raw.setMany(name, [{ id, expected, value }])).toBe(1)
}

async function profile(t: TestApp, id: bigint) {
  const response = await t.app.inject({ url: `/v1_0/users/${id}` })
  expect(response.statusCode).toBe(200)
  const data = exactJson(response.body).data
  return [data.art_count, data.follow_count, data.fans_count, data.like_count] as number[]
}

/** Every member of every counter, as plain data. */
async function allCounts(t: TestApp) {
  const all: Record<string, Record<string, number>> = {}
  for (const name of ALL_COUNTERS) {
    const members: Record<string, number> = {}
    let cursor: string | undefined
    do {
      const page = await t.deps.counters.raw.scan(name, cursor, 500)
      for (const [id, n] of page.entries) members[id.toString()] = n
      cursor = page.next ?? undefined
    } while (cursor !== undefined)
    all[name] = members
  }
  return all
}

async function wipe(t: TestApp, counts: Record<string, Record<string, number>>) {
  for (const [name, members] of Object.entries(counts)) {
    const writes = Object.entries(members).map(([id, n]) => ({
      id: BigInt(id),
      expected: n,
      value: 0,
    }))
    await t.deps.counters.raw.setMany(name as CounterName, writes)
  }
}

async function article(t: TestApp, target: { id: bigint; author: bigint }) {
  const card = await articleCard(t.app, target)
  return { comments: card.comm_count, likes: card.like_count }
}

describe('counter-repair', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t?.close())

  it('puts counters broken every way right in one run, writing only what differs', async () => {
    const author = (await login(t.app, '13911111111')).userId
    const [target] = await approvedArticles(t, 1)
    const [comment] = await approvedComments(t, 1)
    const profileBefore = await profile(t, author)
    const articleBefore = await article(t, target!)
    // An open records a read, so the read counter has something to checkpoint.
    expect((await t.app.inject({ url: `/v1_0/articles/${target!.id}` })).statusCode).toBe(200)
    // Nothing differs on live data: a run writes nothing (it saves the read counts' checkpoint).
    const clean = await repairCounters(t.deps)
    for (const name of ALL_COUNTERS) expect(clean[name]).toBe(0)
    const replies = await t.deps.counters.get(COUNTERS.commentReplies, comment!)
    const reads = await t.deps.counters.raw.get(COUNTERS.articleReading, target!.id)
    expect(profileBefore[0]).toBeGreaterThan(0)

    await force(t, COUNTERS.userArticles, author, profileBefore[0]! + 5) // too high
    await force(t, COUNTERS.userFollowers, author, 0) // missing
    await force(t, COUNTERS.userLiked, author, -2) // negative
    await force(t, COUNTERS.articleComments, target!.id, articleBefore.comments + 3) // too high
    await force(t, COUNTERS.articleLiking, target!.id, -4) // negative
    await force(t, COUNTERS.commentReplies, comment!, replies + 1)
    await force(t, COUNTERS.articleDislike, 999_999_999_999n, 9) // no such article
    // Reads have no source in SQL: the repair saved them as a checkpoint, and restores that.
    await force(t, COUNTERS.articleReading, target!.id, 0)

    // Negative counts read as 0, never below.
    expect(await profile(t, author)).toEqual([profileBefore[0]! + 5, profileBefore[1], 0, 0])

    const locks = createJobLocks(t.deps)
    const result = await runJob(t.deps, locks, counterRepairJob, { cause: 'manual' })
    expect(result.outcome).toBe('ok')
    const changes = result.outcome === 'ok' ? result.changes : {}
    expect(changes).toMatchObject({
      [COUNTERS.userArticles]: 1,
      [COUNTERS.userFollowers]: profileBefore[2]! > 0 ? 1 : 0,
      [COUNTERS.userLiked]: 1,
      [COUNTERS.articleComments]: 1,
      [COUNTERS.articleLiking]: 1,
      [COUNTERS.commentReplies]: 1,
      [COUNTERS.articleDislike]: 1,
      [COUNTERS.articleReading]: 1,
      [COUNTERS.userFollowings]: 0,
      [COUNTERS.commentLiking]: 0,
    })
    expect(Object.keys(changes)).toEqual(expect.arrayContaining(ALL_COUNTERS))

    expect(await t.deps.counters.raw.get(COUNTERS.articleReading, target!.id)).toBe(reads)
    expect(await profile(t, author)).toEqual(profileBefore)
    expect(await article(t, target!)).toEqual(articleBefore)
    expect(await t.deps.counters.get(COUNTERS.commentReplies, comment!)).toBe(replies)
    expect(await t.deps.counters.raw.get(COUNTERS.articleDislike, 999_999_999_999n)).toBe(0)

    const recorded = (await lastRuns(t.deps.db.read)).get('counter-repair')
    expect(recorded).toMatchObject({ cause: 'manual', outcome: 'ok', changes })
    const metrics = await t.app.inject({ url: '/metrics' })
    expect(metrics.body).toContain('headline_job_runs_total{job="counter-repair",outcome="ok"} 1')
    expect(metrics.body).toMatch(
      /headline_job_last_success_timestamp_seconds\{job="counter-repair"\} \d/,
    )
  })
  it('counts the same when each statement may read only a few rows', async () => {
    // Three neighbouring articles of one author with 25 likes each: more than a page may read.
    const author = (await login(t.app, '13911111111')).userId
    const liked = await t.deps.db.write
      .selectFrom('news_article_basic')
      .select('article_id')
      .where('user_id', '=', author.toString())
      .orderBy('article_id')
      .limit(3)
      .execute()
    const likes = liked.flatMap(({ article_id }) =>
      Array.from({ length: 25 }, (_, i) => ({
        user_id: String(8_000_000_000 + i),
        article_id,
        attitude: 1,
      })),
    )
    await t.deps.db.write.insertInto('news_attitude').values(likes).execute()
    await repairCounters(t.deps)
    const right = await allCounts(t)
    expect(right[COUNTERS.userArticles]![author.toString()]).toBeGreaterThan(40)
    expect(right[COUNTERS.userLiked]![author.toString()]).toBeGreaterThan(75)
    expect(Object.keys(right[COUNTERS.userFollowers]!).length).toBeGreaterThan(0)

    // Three rows: every group larger than that is counted in slices along its key. Forty rows:
    // the likes of two articles (a page) are more than a statement may read, so pages split.
    await wipe(t, right)
    expect(await allCounts(t)).toEqual(Object.fromEntries(ALL_COUNTERS.map((n) => [n, {}])))
    const others = ALL_COUNTERS.filter((name) => name !== COUNTERS.userLiked)
    await repairCounters(t.deps, others, { batchSize: 50, rowsPerStatement: 3 })
    await repairCounters(t.deps, [COUNTERS.userLiked], { rowsPerStatement: 40 })
    expect(await allCounts(t)).toEqual(right)
  })
})
