import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { COUNTERS } from '../src/infra/store/counters.js'
import { startJobs, type JobsRuntime } from '../src/jobs/index.js'
import { attachRealtime, type Realtime } from '../src/realtime/socket-server.js'
import { buildTestApp, type TestApp } from './app.js'
import { approvedArticles, newUser, send } from './interactions.js'
import { REDIS_SERVER, startSentinelTopology, type SentinelTopology } from './redis-topologies.js'
import { connect, type Client } from './sockets.js'

// Two API + socket nodes on a Sentinel-managed Redis whose primary is killed (SIGKILL, as a
// crash) while they serve: the replica takes over and the nodes follow it without a restart.
describe.skipIf(!REDIS_SERVER)('on Redis Sentinel, the primary killed under load', () => {
  let sentinel: SentinelTopology
  let a: TestApp
  let b: TestApp
  const realtimes: Realtime[] = []
  let client: Client | undefined
  let jobs: JobsRuntime | undefined
  let user: Awaited<ReturnType<typeof newUser>>
  let other: Awaited<ReturnType<typeof newUser>>
  let article: { id: bigint; author: bigint }
  const policy = { name: 'test', ttl: { seconds: 600, jitter: 0 } }
  /** A plain connection to a Redis server, under the test apps' key prefix. */
  const direct = (port: number) => new Redis({ port, host: '127.0.0.1', keyPrefix: a.redisPrefix })

  beforeAll(async () => {
    sentinel = await startSentinelTopology()
    // A checks Redis every 200 ms, as `serve` does (JOBS_REDIS_WATCH_MS): it repairs counters.
    const env = { JOBS_REDIS_WATCH_MS: '200' }
    a = await buildTestApp({ redisUrl: sentinel.url, env })
    b = await buildTestApp({ redisUrl: sentinel.url, shareWith: a })
    jobs = startJobs(a.deps, { schedule: false })
    for (const node of [a, b]) {
      realtimes.push(await attachRealtime(node.app.server, node.deps))
      await node.app.listen({ host: '127.0.0.1', port: 0 })
    }
    user = await newUser(a.app)
    other = await newUser(a.app)
    article = (await approvedArticles(a, 1))[0]!
    // A socket on B from before the failover: it must keep receiving what A emits after it.
    const url = `http://127.0.0.1:${(b.app.server.address() as AddressInfo).port}`
    client = await connect(url, 'v4', 'websocket', { token: user.token })
    await client.nextOf('message')
  })

  afterAll(async () => {
    try {
      client?.close()
      await Promise.all(realtimes.map((realtime) => realtime.close()))
      await jobs?.stop()
      await b?.close()
      await a?.close()
    } finally {
      await sentinel?.stop()
    }
  })

  it('answers every read through the failover, then takes Redis writes again; no like is lost', async () => {
    const primary = direct(sentinel.primary.port)
    const likes = async (redis: Redis) =>
      Number(await redis.zscore(COUNTERS.articleLiking, article.id.toString()))
    const likesBefore = await likes(primary)
    const target = { target: article.id.toString() }
    primary.disconnect()

    const reads: ((app: FastifyInstance) => Promise<{ statusCode: number }>)[] = [
      (app) => app.inject({ url: `/v1_0/articles/${article.id}`, headers: user.auth }),
      (app) => app.inject({ url: '/v1_0/user', headers: user.auth }),
      (app) => app.inject({ url: '/v1_0/user/channels', headers: user.auth }),
    ]
    // Each answer, noted with the phase it came in: before the kill, during the failover, after.
    const answers: { phase: string; status: number }[] = []
    let phase = 'before'
    let loading = true
    const load = Promise.all(
      [a, b].flatMap((node) =>
        reads.map(async (read) => {
          while (loading) {
            const { statusCode } = await read(node.app)
            answers.push({ phase, status: statusCode })
            await sleep(20)
          }
        }),
      ),
    )
    // B caches a value that A deletes while the failover runs.
    expect(await b.deps.cache.getOrLoad('probe:0', policy, async () => 'old')).toBe('old')
    await sleep(200)
    await sentinel.primary.kill()
    phase = 'failover'
    await a.deps.cache.delete('probe:0')
    // SQL takes the like; its count, which Redis could not take, is repaired once Redis answers.
    const likedDuring = await send(a.app, 'POST', '/v1_0/article/likings', user.auth, target)
    expect(likedDuring.statusCode).toBe(201)
    await sentinel.waitForPrimary(sentinel.replica.port)
    phase = 'after'

    // An SMS code is a write to Redis only: it is stored on the new primary once the nodes follow.
    const promoted = direct(sentinel.replica.port)
    let tries = 0
    await vi.waitFor(
      async () => {
        const mobile = `1370000${String(++tries).padStart(4, '0')}`
        const sent = await b.app.inject({ url: `/v1_0/sms/codes/${mobile}` })
        expect(sent.statusCode).toBe(200)
        expect(await promoted.exists(`app:code:${mobile}`)).toBe(1)
      },
      { timeout: 15_000, interval: 200 },
    )
    loading = false
    await load

    await vi.waitFor(async () => expect(await likes(promoted)).toBe(likesBefore + 1), {
      timeout: 10_000,
      interval: 200,
    })
    const likedAfter = await send(b.app, 'POST', '/v1_0/article/likings', other.auth, target)
    expect(likedAfter.statusCode).toBe(201)
    expect(await likes(promoted)).toBe(likesBefore + 2)
    promoted.disconnect()
    expect(answers.filter((answer) => answer.phase === 'failover').length).toBeGreaterThan(0)
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([])
  }, 45_000)

  it('shows on B what A deleted during the failover; A’s later deletes reach B', async () => {
    await vi.waitFor(
      async () => {
        expect(await b.deps.cache.getOrLoad('probe:0', policy, async () => 'new')).toBe('new')
      },
      { timeout: 10_000, interval: 200 },
    )
    expect(await b.deps.cache.getOrLoad('probe:1', policy, async () => 'old')).toBe('old')
    // B's L1 keeps 'old' until a delete reaches it over the bus; a delete may be lost while
    // B's subscriber is still reconnecting, so A deletes again until one arrives.
    await vi.waitFor(
      async () => {
        await a.deps.cache.delete('probe:1')
        expect(await b.deps.cache.getOrLoad('probe:1', policy, async () => 'new')).toBe('new')
      },
      { timeout: 10_000, interval: 200 },
    )
  })

  it('drops from B’s cache what A deleted while B’s bus was reconnecting', async () => {
    expect(await b.deps.cache.getOrLoad('probe:2', policy, async () => 'old')).toBe('old')
    const promoted = direct(sentinel.replica.port)
    await promoted.client('KILL', 'TYPE', 'pubsub')
    promoted.disconnect()
    // Published while no subscriber of B listens: pub/sub does not keep it for B.
    await a.deps.cache.delete('probe:2')
    await vi.waitFor(
      async () => {
        expect(await b.deps.cache.getOrLoad('probe:2', policy, async () => 'new')).toBe('new')
      },
      { timeout: 5000, interval: 100 },
    )
  })

  it('emits from node A to the socket on node B after the failover (the adapter reconnected)', async () => {
    await vi.waitFor(
      async () => {
        a.deps.notifications.publish({ event: 'following notify', to: user.userId, payload: {} })
        expect(await client!.receives('following notify', 200)).toBe(true)
      },
      { timeout: 10_000, interval: 0 },
    )
  })
})
