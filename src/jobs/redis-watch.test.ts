import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { ChaosProxy } from '../../test/chaos-proxy.js'
import { TEST_REDIS_URL } from '../../test/env.js'
import { approvedArticles, articleCard, newUser } from '../../test/interactions.js'
import { exactJson } from '../../test/json.js'
import { login } from '../../test/login.js'
import { deleteKeysUnder } from '../infra/redis/redis.js'
import { startJobs, type JobsRuntime } from './index.js'

const WATCH = { JOBS_REDIS_WATCH_MS: '200' }

async function profile(t: TestApp, id: bigint) {
  const data = exactJson((await t.app.inject({ url: `/v1_0/users/${id}` })).body).data
  return [data.art_count, data.follow_count, data.fans_count, data.like_count] as number[]
}

async function likes(t: TestApp, target: { id: bigint; author: bigint }): Promise<number> {
  return (await articleCard(t.app, target)).like_count
}

async function redisLossRuns(t: TestApp): Promise<number> {
  const rows = await t.deps.db.read
    .selectFrom('headline_job_run')
    .select('outcome')
    .where('cause', '=', 'redis-loss')
    .where('outcome', '=', 'ok')
    .execute()
  return rows.length
}

describe.skipIf(!TEST_REDIS_URL)('repair after Redis loss', () => {
  let t: TestApp
  let jobs: JobsRuntime
  beforeAll(async () => {
    t = await buildTestApp({ env: WATCH })
    // What `serve` starts; JOBS is unset, so no scheduled jobs here: only the Redis watch.
    jobs = startJobs(t.deps, { schedule: t.deps.config.jobs.inServe })
  })
  afterAll(async () => {
    await jobs?.stop()
    await t?.close()
  })

  it('puts every count right within a minute after Redis lost its data, with no command', async () => {
    expect(jobs.scheduler).toBeUndefined()
    // The first check finds a Redis without the marker and repairs once.
    await vi.waitFor(async () => expect(await redisLossRuns(t)).toBe(1), 10_000)
    const author = (await login(t.app, '13911111111')).userId
    const before = await profile(t, author)
    expect(before[0]).toBeGreaterThan(0)

    await deleteKeysUnder(t.deps.redis!, t.redisPrefix) // FLUSHALL, for this app's keys only
    await vi.waitFor(
      async () => {
        expect(await redisLossRuns(t)).toBe(2)
        expect(await profile(t, author)).toEqual(before)
      },
      { timeout: 60_000, interval: 200 },
    )
  }, 70_000)
})

describe.skipIf(!TEST_REDIS_URL)('repair after a Redis outage', () => {
  let proxy: ChaosProxy
  let t: TestApp
  let jobs: JobsRuntime
  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL!)
    proxy = new ChaosProxy({ host: target.hostname, port: Number(target.port || 6379) })
    const through = new URL(target)
    through.hostname = '127.0.0.1'
    through.port = String(await proxy.start())
    t = await buildTestApp({ redisUrl: through.toString(), env: WATCH })
    jobs = startJobs(t.deps, { schedule: false })
    await vi.waitFor(async () => expect(await redisLossRuns(t)).toBe(1), 10_000)
  })
  afterAll(async () => {
    proxy?.restore()
    await jobs?.stop()
    await t?.close()
    await proxy?.stop()
  })

  it('gives back the increments dropped while Redis was unreachable once it answers', async () => {
    const [target] = await approvedArticles(t, 1)
    const before = await likes(t, target!)
    const users = [await newUser(t.app), await newUser(t.app), await newUser(t.app)]

    proxy.cut()
    for (const user of users) {
      const like = await t.app.inject({
        method: 'POST',
        url: '/v1_0/article/likings',
        headers: user.auth,
        payload: { target: target!.id.toString() },
      })
      expect(like.statusCode).toBe(201)
    }
    proxy.restore()

    await vi.waitFor(async () => expect(await likes(t, target!)).toBe(before + 3), {
      timeout: 60_000,
      interval: 200,
    })
  }, 70_000)
})
