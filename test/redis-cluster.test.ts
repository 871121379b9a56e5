import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadConfig } from '../src/config.js'
import { localNotifications } from '../src/infra/events/notifications.js'
import { Snowflake } from '../src/infra/ids/snowflake.js'
import { leaseWorkerId } from '../src/infra/ids/worker-lease.js'
import { createMetrics } from '../src/infra/metrics.js'
import { counterRepairJob } from '../src/jobs/counter-repair.js'
import { redisJobLocks } from '../src/jobs/lock.js'
import { createJobLocks, runJob } from '../src/jobs/runner.js'
import { redisLoadLease } from '../src/infra/cache/load-lease.js'
import { guardedRedisDriver, NO_GENERATION } from '../src/infra/cache/redis-l2.js'
import {
  connectRedis,
  createRedis,
  deleteKeysUnder,
  type RedisClient,
} from '../src/infra/redis/redis.js'
import { hourOf, redisActivity } from '../src/infra/store/activity.js'
import { redisCounters } from '../src/infra/store/counters.redis.js'
import { redisRateCounters } from '../src/infra/store/rate-counters.redis.js'
import { redisSmsCodes } from '../src/infra/store/sms-codes.redis.js'
import { redisSortedSets } from '../src/infra/store/sorted-sets.redis.js'
import { startEmitterPush } from '../src/realtime/push.js'
import { attachRealtime, type Realtime } from '../src/realtime/socket-server.js'
import { buildTestApp, type TestApp } from './app.js'
import { counterStoreContract } from './contracts/counter-store.contract.js'
import { smsCodeStoreContract } from './contracts/sms-code-store.contract.js'
import { uniqueTag } from './env.js'
import { approvedArticles, articleCard, articleDetail, newUser, send } from './interactions.js'
import { REDIS_SERVER, startClusterTopology, type ClusterTopology } from './redis-topologies.js'
import { connect, type Client } from './sockets.js'

// Every multi-key operation Headline runs, on three primaries: a command or transaction whose
// keys span slots fails there with CROSSSLOT, a pipeline spanning nodes fails in the client.
describe.skipIf(!REDIS_SERVER)('on a three-primary Redis Cluster', () => {
  let cluster: ClusterTopology
  beforeAll(async () => {
    cluster = await startClusterTopology()
  })
  afterAll(() => cluster?.stop())

  /** A connected Cluster client under a prefix of its own, whose keys `close` drops. */
  async function openClient() {
    const prefix = `test:${uniqueTag()}:`
    const redis = createRedis(cluster.url, prefix)
    if (!(await connectRedis(redis))) throw new Error('cluster unreachable')
    const close = async () => {
      await deleteKeysUnder(redis, prefix)
      redis.disconnect()
    }
    return { redis, prefix, close }
  }

  counterStoreContract('Redis Cluster', async () => {
    const client = await openClient()
    return { store: redisCounters(client.redis), close: client.close }
  })

  smsCodeStoreContract('Redis Cluster', async () => {
    const client = await openClient()
    const elapse = (seconds: number) => sleep(seconds * 1000)
    return { store: redisSmsCodes(client.redis), elapse, close: client.close }
  })

  describe('stores, locks and leases', () => {
    let redis: RedisClient
    let close: () => Promise<void>
    beforeAll(async () => ({ redis, close } = await openClient()))
    afterAll(() => close?.())

    it('records an hour of activity in its three sets', async () => {
      const activity = redisActivity(redis, pino({ level: 'silent' }))
      const now = Date.UTC(2031, 4, 1, 10, 30)
      await activity.record({ kind: 'search', userId: 7n, keyword: '缓存' }, now)
      await activity.record({ kind: 'read', userId: 8n }, now)
      const hour = await activity.hour(hourOf(now))
      expect(hour).toEqual({
        reads: 1,
        searches: 1,
        users: new Set(['7', '8']),
        keywords: new Map([['缓存', 1]]),
      })
    })

    it('keeps capped, expiring sorted sets', async () => {
      const sets = redisSortedSets(redis)
      await sets.addCapped('user:1:art', 'a', 1, 2, 60)
      await sets.addCapped('user:1:art', 'b', 2, 2, 60)
      await sets.addCapped('user:1:art', 'c', 3, 2, 60)
      await sets.add('user:2:art', 'x', 5, 60)
      expect(await sets.rangeDesc('user:1:art', 0, -1)).toEqual([
        { member: 'c', score: 3 },
        { member: 'b', score: 2 },
      ])
      expect(await sets.count('user:2:art')).toBe(1)
    })

    it('counts rate-limit windows and reads them back', async () => {
      const counters = redisRateCounters(redis)
      await counters.hit('headline:ratelimit:a', 60_000)
      expect((await counters.hit('headline:ratelimit:a', 60_000)).hits).toBe(2)
      const window = await counters.peek('headline:ratelimit:a')
      expect(window.hits).toBe(2)
      expect(window.ttlMs).toBeGreaterThan(0)
    })

    it('claims a scheduled run once, and lets the next run take the released lock', async () => {
      const locks = redisJobLocks(redis, 3000)
      const due = new Date(Date.UTC(2031, 0, 1))
      const held = await locks.acquire('stats-rollup', due)
      expect(held?.lost).toBe(false)
      expect(await locks.acquire('stats-rollup', due)).toBeNull()
      await held!.release()
      expect(await locks.acquire('stats-rollup', due)).toBeNull()
      const next = await locks.acquire('stats-rollup', new Date(due.getTime() + 3600_000))
      expect(next).not.toBeNull()
      await next!.release()
    })

    it('clears the whole L2 layer, on every primary, and nothing else', async () => {
      const hooks = {
        onMissedDelete: () => undefined,
        generationOf: () => NO_GENERATION,
        onRefused: () => undefined,
      }
      const l2 = guardedRedisDriver(redis, 'cache', hooks, () => undefined)
      const driver = l2.factory({ connection: redis, prefix: 'cache' })
      const keys = Array.from({ length: 12 }, (_, i) => `article:${i}`)
      for (const key of keys) expect(await driver.set(key, 'v')).toBe(true)
      await redis.set('count:other', '1')
      await driver.clear()
      expect(await Promise.all(keys.map((key) => driver.get(key)))).toEqual(
        keys.map(() => undefined),
      )
      expect(await redis.get('count:other')).toBe('1')
    })

    it('leases distinct Snowflake worker ids and frees them on release', async () => {
      const log = pino({ level: 'silent' })
      const lease = () => leaseWorkerId(redis, new Snowflake(3, 0), { preferred: 5, log })
      const [first, second] = [await lease(), await lease()]
      expect([first.workerId, second.workerId]).toEqual([5, 6])
      await first.release()
      const third = await lease()
      expect(third.workerId).toBe(5)
      await Promise.all([second.release(), third.release()])
    })

    it('lets one of several concurrent fills load a cold key; the others take its value', async () => {
      const lease = redisLoadLease(redis)
      let stored: string | undefined
      let loads = 0
      const load = async () => {
        loads++
        await sleep(100)
        return (stored = 'loaded')
      }
      const fills = await Promise.all(
        Array.from({ length: 5 }, () =>
          lease.fill(
            'article:1',
            async () => stored,
            load,
            () => true,
          ),
        ),
      )
      expect(fills.map((fill) => fill.value)).toEqual(Array(5).fill('loaded'))
      expect(loads).toBe(1)
    })
  })

  describe('two API and socket nodes', () => {
    let a: TestApp
    let b: TestApp
    const realtimes: Realtime[] = []
    const clients: Client[] = []
    const urlOf = (node: TestApp) =>
      `http://127.0.0.1:${(node.app.server.address() as AddressInfo).port}`
    // Most Redis failures only cost a request its cached or counted extras, and are logged.
    const warnings: string[] = []
    const logStream = { write: (line: string) => void warnings.push(line) }
    beforeAll(async () => {
      const options = { redisUrl: cluster.url, env: { LOG_LEVEL: 'warn' }, logStream }
      a = await buildTestApp(options)
      b = await buildTestApp({ ...options, shareWith: a })
      for (const node of [a, b]) {
        realtimes.push(await attachRealtime(node.app.server, node.deps))
        await node.app.listen({ host: '127.0.0.1', port: 0 })
      }
    })
    afterAll(async () => {
      for (const client of clients) client.close()
      await Promise.all(realtimes.map((realtime) => realtime.close()))
      await b?.close()
      await a?.close()
    })

    it('shares the SMS rate limit between the nodes', async () => {
      const mobile = '13700000001'
      expect((await a.app.inject({ url: `/v1_0/sms/codes/${mobile}` })).statusCode).toBe(200)
      expect((await b.app.inject({ url: `/v1_0/sms/codes/${mobile}` })).statusCode).toBe(429)
    })

    it('carries a cache delete from A to B (bus), over the shared L2', async () => {
      const policy = { name: 'test', ttl: { seconds: 600, jitter: 0 } }
      expect(await b.deps.cache.getOrLoad('probe:1', policy, async () => 'old')).toBe('old')
      await a.deps.cache.delete('probe:1')
      await vi.waitFor(async () => {
        expect(await b.deps.cache.getOrLoad('probe:1', policy, async () => 'new')).toBe('new')
      })
    })

    it('shows a like written on A in B’s counts, and repairs the counters under the job lock', async () => {
      const [article] = await approvedArticles(a, 1)
      const user = await newUser(a.app)
      const authorLikes = async () => {
        const response = await b.app.inject({ url: `/v1_0/users/${article!.author}` })
        return (response.json() as { data: { like_count: number } }).data.like_count
      }
      const before = [(await articleCard(b.app, article!)).like_count, await authorLikes()]
      const liked = await send(a.app, 'POST', '/v1_0/article/likings', user.auth, {
        target: article!.id.toString(),
      })
      expect(liked.statusCode).toBe(201)
      await vi.waitFor(async () => {
        const after = [(await articleCard(b.app, article!)).like_count, await authorLikes()]
        expect(after).toEqual([before[0]! + 1, before[1]! + 1])
      })
      const repaired = await runJob(b.deps, createJobLocks(b.deps), counterRepairJob, {
        cause: 'manual',
      })
      expect(repaired.outcome).toBe('ok')
    })

    it('emits from node A to a socket on node B (Socket.IO Redis adapter)', async () => {
      const user = await newUser(a.app)
      const client = await connect(urlOf(b), 'v4', 'websocket', { token: user.token })
      clients.push(client)
      await client.nextOf('message')
      // The room join travels to Redis asynchronously: publish until it is in place.
      await vi.waitFor(async () => {
        a.deps.notifications.publish({ event: 'following notify', to: user.userId, payload: {} })
        expect(await client.receives('following notify', 200)).toBe(true)
      }, 5000)
    })

    it('pushes from a process without sockets to a socket on node B (Redis emitter)', async () => {
      const user = await newUser(a.app)
      const client = await connect(urlOf(b), 'v2', 'polling', { token: user.token })
      clients.push(client)
      await client.nextOf('message')
      const notifications = localNotifications()
      const push = await startEmitterPush({
        config: loadConfig({ REDIS_URL: cluster.url, REDIS_PREFIX: a.redisPrefix }),
        notifications,
        log: pino({ level: 'silent' }),
        metrics: createMetrics(),
      })
      try {
        notifications.publish({ event: 'liking notify', to: user.userId, payload: { n: 1 } })
        expect(await client.nextOf('liking notify')).toEqual({ n: 1 })
      } finally {
        await push.close()
      }
    })

    it('counts reads and searches in the hour’s activity sets', async () => {
      const user = await newUser(a.app)
      const [article] = await approvedArticles(a, 1)
      await articleDetail(a.app, article!.id, user.auth)
      const search = await a.app.inject({ url: '/v1_0/search?q=python', headers: user.auth })
      expect(search.statusCode).toBe(200)
      await vi.waitFor(async () => {
        const hour = await b.deps.activity.hour(hourOf(Date.now()))
        expect(hour.users.has(user.userId.toString())).toBe(true)
        expect(hour.keywords.get('python')).toBeGreaterThan(0)
      })
    })

    it('logged no failure on the way', () => {
      expect(warnings).toEqual([])
    })

    it('spreads the keys it wrote over all three primaries', async () => {
      const counts = await Promise.all(
        cluster.primaries.map(async ({ port }) => {
          const node = new Redis({ port, host: '127.0.0.1' })
          const keys = await node.keys(`${a.redisPrefix}*`)
          node.disconnect()
          return keys.length
        }),
      )
      expect(counts.every((count) => count > 0)).toBe(true)
    })
  })
})
