import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import { pino } from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { ChaosProxy } from '../../../test/chaos-proxy.js'
import { TEST_REDIS_URL } from '../../../test/env.js'
import { exactJson, wire } from '../../../test/json.js'
import { bearer, login } from '../../../test/login.js'
import { openTestRedis, type TestRedis } from '../../../test/stores.js'
import { replyWithError, RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE } from '../../errors.js'
import { SEED_USERS } from '../../seed/demo.js'
import { createMetrics } from '../metrics.js'
import { connectRedis, createRedis, onErrorOfDuplicates } from '../redis/redis.js'
import { createCache, type Cache } from './cache.js'
import { bigintJson } from './serializer.js'
import { TTL, drawTtlMs } from './ttl.js'

const userBasicQueries = (t: TestApp, from: number) =>
  t.queries.slice(from).filter((sql) => sql.includes('user_basic')).length

async function seededUserId(t: TestApp, mobile: string): Promise<bigint> {
  const row = await t.deps.db.read
    .selectFrom('user_basic')
    .select('user_id')
    .where('mobile', '=', mobile)
    .executeTakeFirstOrThrow()
  return BigInt(row.user_id)
}

describe('cache on the full app', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t?.close())

  it('loads a cold entry once for 1,000 concurrent requests (single flight)', async () => {
    const id = await seededUserId(t, SEED_USERS[1]!.mobile)
    const from = t.queries.length
    const replies = await Promise.all(
      Array.from({ length: 1000 }, () => t.app.inject({ url: `/v1_0/users/${id}` })),
    )
    expect(new Set(replies.map((reply) => reply.statusCode))).toEqual(new Set([200]))
    expect([...new Set(replies.map((reply) => reply.body))]).toEqual([replies[0]!.body])
    expect(exactJson(replies[0]!.body).data).toMatchObject({
      id: wire(id),
      name: SEED_USERS[1]!.name,
    })
    expect(userBasicQueries(t, from)).toBe(1)
  })

  it('caches "does not exist" and loads again once the entry is deleted', async () => {
    const missing = 2n ** 62n + 99n
    const from = t.queries.length
    for (let i = 0; i < 2; i++) {
      const reply = await t.app.inject({ url: `/v1_0/users/${missing}` })
      expect(reply.statusCode).toBe(400)
      expect(reply.json()).toEqual({ message: 'Invalid target user.' })
    }
    expect(userBasicQueries(t, from)).toBe(1)
    await t.deps.cache.delete(`user:${missing}:profile`)
    await t.app.inject({ url: `/v1_0/users/${missing}` })
    expect(userBasicQueries(t, from)).toBe(2)
  })

  it('serves a changed profile right after the write', async () => {
    const { auth } = await login(t.app, SEED_USERS[2]!.mobile)
    expect((await t.app.inject({ url: '/v1_0/user', headers: auth })).json().data.name).toBe(
      SEED_USERS[2]!.name,
    )
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/v1_0/user/profile',
      headers: auth,
      payload: { name: '改过的名字' },
    })
    expect(patch.statusCode).toBe(201)
    expect((await t.app.inject({ url: '/v1_0/user', headers: auth })).json().data.name).toBe(
      '改过的名字',
    )
  })
})

describe('cache disabled', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ env: { CACHE_ENABLED: 'false' } })
  })
  afterAll(() => t?.close())

  it('sends every read to the database', async () => {
    const id = await seededUserId(t, SEED_USERS[0]!.mobile)
    const from = t.queries.length
    for (let i = 0; i < 3; i++) {
      expect((await t.app.inject({ url: `/v1_0/users/${id}` })).statusCode).toBe(200)
    }
    const missing = 2n ** 62n + 7n
    for (let i = 0; i < 2; i++) await t.app.inject({ url: `/v1_0/users/${missing}` })
    expect(userBasicQueries(t, from)).toBe(5)
  })
})

describe('createCache', () => {
  const log = pino({ level: 'silent' })
  const open = (redis?: TestRedis) =>
    createCache({
      enabled: true,
      redis: redis?.redis,
      prefix: 'cache',
      metrics: createMetrics(),
      log,
    })

  it('caches a missing row only for entries with a "missing" lifetime', async () => {
    const cache = open()
    let loads = 0
    const load = async () => (loads++, null)
    for (let i = 0; i < 2; i++) {
      expect(await cache.getOrLoad('a', { name: 'a', ttl: TTL.channels }, load)).toBeNull()
    }
    expect(loads).toBe(2)
    const policy = { name: 'b', ttl: TTL.userProfile, missing: TTL.userNotExists }
    for (let i = 0; i < 2; i++) expect(await cache.getOrLoad('b', policy, load)).toBeNull()
    expect(loads).toBe(3)
    await cache.close()
  })

  it('answers 503 with Retry-After when a load outlasts the load timeout', async () => {
    const cache = createCache({
      enabled: true,
      prefix: 'cache',
      metrics: createMetrics(),
      log,
      loadTimeoutMs: 50,
    })
    const app = Fastify({ logger: false })
    app.setErrorHandler(replyWithError)
    app.get('/slow', () =>
      cache.getOrLoad('slow', { name: 'slow', ttl: TTL.channels }, () =>
        sleep(300).then(() => 'late'),
      ),
    )
    const reply = await app.inject({ url: '/slow' })
    expect(reply.statusCode).toBe(503)
    expect(reply.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS))
    expect(reply.json()).toEqual({ message: SERVICE_UNAVAILABLE })
    await app.close()
    await cache.close()
  })

  it('does not cache a failed load', async () => {
    const cache = open()
    const policy = { name: 'c', ttl: TTL.userProfile }
    await expect(
      cache.getOrLoad('c', policy, () => Promise.reject(new Error('db down'))),
    ).rejects.toThrow()
    expect(await cache.getOrLoad('c', policy, async () => 'loaded')).toBe('loaded')
    await cache.close()
  })

  describe.skipIf(!TEST_REDIS_URL)('with Redis', () => {
    let redis: TestRedis
    let cache: Cache
    beforeAll(async () => {
      redis = await openTestRedis()
      cache = open(redis)
    })
    afterAll(async () => {
      await cache?.close()
      await redis?.close()
    })

    it('closes without an unhandled rejection while its bus is still subscribing', async () => {
      const unhandled: unknown[] = []
      const onUnhandled = (reason: unknown) => void unhandled.push(reason)
      process.on('unhandledRejection', onUnhandled)
      try {
        // Nothing listens on port 1: SUBSCRIBE waits in the offline queue until the close.
        const bus = createRedis('redis://127.0.0.1:1', redis.prefix, true)
        bus.on('error', () => undefined)
        onErrorOfDuplicates(bus, () => undefined)
        // Closing a cache disconnects its L2 connection: this one is its own.
        const l2 = createRedis(TEST_REDIS_URL!, redis.prefix)
        await connectRedis(l2)
        const node = createCache({
          enabled: true,
          redis: l2,
          busRedis: bus,
          prefix: 'cache',
          metrics: createMetrics(),
          log,
        })
        await node.close()
        bus.disconnect()
        await new Promise((resolve) => setTimeout(resolve, 100))
        expect(unhandled).toEqual([])
      } finally {
        process.off('unhandledRejection', onUnhandled)
      }
    })

    it('keeps the L2 copy for at least the TTL, long ones included', async () => {
      const ids = { id: 2n ** 63n - 5n }
      await cache.getOrLoad('ch:all', { name: 'x', ttl: TTL.announcements }, async () => ids)
      const ttlMs = await redis.raw.pttl('cache:ch:all')
      expect(ttlMs).toBeGreaterThanOrEqual(48 * 3600_000)
      const node = createRedis(TEST_REDIS_URL!, redis.prefix)
      await connectRedis(node)
      const other = open({ ...redis, redis: node })
      const policy = { name: 'x', ttl: TTL.announcements }
      expect(await other.getOrLoad('ch:all', policy, async () => null)).toEqual(ids)
      await other.close()
    })
  })
})

describe('TTL policy', () => {
  it('draws a jitter from 0 to jitter - 1 whole seconds on top of the base', () => {
    expect(drawTtlMs(TTL.userProfile, () => 0)).toBe(30 * 60_000)
    expect(drawTtlMs(TTL.userProfile, () => 0.999)).toBe((30 * 60 + 600 - 1) * 1000)
    expect(drawTtlMs(TTL.userNotExists, () => 0.999)).toBe((5 * 60 + 60 - 1) * 1000)
    expect(drawTtlMs(TTL.channels, () => 0.999)).toBe(24 * 3600_000)
    const drawn = new Set(Array.from({ length: 200 }, () => drawTtlMs(TTL.userStatus)))
    expect(drawn.size).toBeGreaterThan(1)
    for (const ms of drawn) {
      expect(ms % 1000).toBe(0)
      expect(ms).toBeGreaterThanOrEqual(3600_000)
      expect(ms).toBeLessThan(4200_000)
    }
  })

  it("matches the original's TTL table (plus Headline's pinned-ids and profile-counts entries)", () => {
    const min = 60
    const table: Record<keyof typeof TTL, [number, number]> = {
      userProfile: [30 * min, 10 * min],
      userStatus: [60 * min, 10 * min],
      userNotExists: [5 * min, 60],
      userFollowings: [30 * min, 10 * min],
      userFans: [30 * min, 10 * min],
      userRelationship: [30 * min, 10 * min],
      userRelationshipNotExists: [5 * min, 60],
      userAdditionalProfile: [10 * min, 2 * min],
      userChannels: [60 * min, 10 * min],
      userArticleAttitude: [30 * min, 10 * min],
      userArticleAttitudeNotExists: [5 * min, 60],
      userCommentLiking: [10 * min, 2 * min],
      userCommentLikingNotExists: [3 * min, 60],
      articleInfo: [30 * min, 10 * min],
      articleNotExists: [5 * min, 60],
      articleDetail: [60 * min, 10 * min],
      articleUserNoAttitude: [3 * min, 30],
      userArticles: [10 * min, 2 * min],
      userArticleCollections: [10 * min, 2 * min],
      comments: [30 * min, 10 * min],
      commentNotExists: [5 * min, 60],
      announcementDetail: [2 * 60 * min, 10 * min],
      announcementNotExists: [5 * min, 60],
      channels: [24 * 60 * min, 0],
      announcements: [48 * 60 * min, 0],
      userCounts: [5 * min, 60],
      channelTop: [min, 10],
    }
    const actual = Object.fromEntries(
      Object.entries(TTL).map(([name, ttl]) => [name, [ttl.seconds, ttl.jitter]]),
    )
    expect(actual).toEqual(table)
  })
})

describe('bigintJson', () => {
  it('round-trips 64-bit integers exactly, nested in objects and arrays', () => {
    const value = {
      id: 2n ** 63n - 1n,
      negative: -(2n ** 60n) - 3n,
      small: 1n,
      list: [9007199254740993n, { inner: 1234567890123456789n }, [18446744073709551615n]],
      plain: { n: 1.5, s: '9007199254740993', b: true, nil: null },
    }
    const text = bigintJson.serialize(value)
    expect(text).not.toContain('9.007')
    expect(bigintJson.deserialize(text)).toEqual(value)
  })

  it('leaves values without bigints as plain JSON', () => {
    const value = { a: [1, 'x', null], b: { c: false } }
    expect(bigintJson.serialize(value)).toBe(JSON.stringify(value))
    expect(bigintJson.deserialize(JSON.stringify(value))).toEqual(value)
  })
})

describe.skipIf(!TEST_REDIS_URL)('Redis outage', () => {
  let proxy: ChaosProxy
  let t: TestApp
  let other: TestApp | undefined
  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL!)
    proxy = new ChaosProxy({ host: target.hostname, port: Number(target.port || 6379) })
    const through = new URL(target)
    through.hostname = '127.0.0.1'
    through.port = String(await proxy.start())
    t = await buildTestApp({ redisUrl: through.toString() })
  })
  afterEach(() => proxy.restore())
  afterAll(async () => {
    await other?.close()
    await t?.close()
    await proxy?.stop()
  })

  it('keeps answering from L1 and the database, and recovers', async () => {
    // A new user: no counts, which read as 0 while their Redis store is away.
    const { auth } = await login(t.app, '13500000077')
    const before = await t.app.inject({ url: '/v1_0/user', headers: auth })
    expect(before.statusCode).toBe(200)

    proxy.cut()
    const during = await t.app.inject({ url: '/v1_0/user', headers: auth })
    expect(during.statusCode).toBe(200)
    expect(during.body).toBe(before.body)

    const otherId = await seededUserId(t, SEED_USERS[3]!.mobile)
    const stranger = await t.app.inject({ url: `/v1_0/users/${otherId}`, headers: auth })
    expect(stranger.statusCode).toBe(200)
    expect(exactJson(stranger.body).data).toMatchObject({
      id: wire(otherId),
      name: SEED_USERS[3]!.name,
    })

    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/v1_0/user/profile',
      headers: auth,
      payload: { name: '断线改名' },
    })
    expect(patch.statusCode).toBe(201)
    const reread = await t.app.inject({ url: '/v1_0/user', headers: auth })
    expect(reread.statusCode).toBe(200)
    expect(reread.json().data.name).toBe('断线改名')

    const ready = await t.app.inject({ url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toMatchObject({
      status: 'ok',
      checks: { database: 'ok', redis: expect.stringMatching(/^degraded/) },
    })

    proxy.restore()
    await vi.waitFor(async () => {
      const check = await t.app.inject({ url: '/readyz' })
      expect(check.json().checks.redis).toBe('ok')
    }, 10_000)
    const after = await t.app.inject({ url: '/v1_0/user', headers: auth })
    expect(after.statusCode).toBe(200)
    expect(after.json().data.name).toBe('断线改名')

    // A node with an empty L1 must not find the name from before the outage in Redis.
    other = await buildTestApp({ shareWith: t, redisUrl: t.deps.config.redisUrl! })
    await vi.waitFor(async () => {
      const fresh = await other!.app.inject({ url: '/v1_0/user', headers: auth })
      expect(fresh.json(), fresh.body).toMatchObject({ data: { name: '断线改名' } })
    })
  })
})

describe.skipIf(!TEST_REDIS_URL)('two nodes on one Redis', () => {
  let a: TestApp
  let b: TestApp
  beforeAll(async () => {
    a = await buildTestApp()
    b = await buildTestApp({ shareWith: a })
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  it("drops the other node's L1 copy after a write", async () => {
    const { token } = await login(a.app, SEED_USERS[1]!.mobile)
    const auth = bearer(token)
    const first = await b.app.inject({ url: '/v1_0/user', headers: auth })
    expect(first.json().data.name).toBe(SEED_USERS[1]!.name)

    const patch = await a.app.inject({
      method: 'PATCH',
      url: '/v1_0/user/profile',
      headers: auth,
      payload: { name: '新名字' },
    })
    expect(patch.statusCode).toBe(201)
    await vi.waitFor(async () => {
      const read = await b.app.inject({ url: '/v1_0/user', headers: auth })
      expect(read.json().data.name).toBe('新名字')
    })
  })

  it('shares loaded entries through L2', async () => {
    const id = await seededUserId(a, SEED_USERS[3]!.mobile)
    const fromA = a.queries.length
    const fromB = b.queries.length
    expect((await a.app.inject({ url: `/v1_0/users/${id}` })).statusCode).toBe(200)
    expect((await b.app.inject({ url: `/v1_0/users/${id}` })).statusCode).toBe(200)
    expect(userBasicQueries(a, fromA) + userBasicQueries(b, fromB)).toBe(1)
  })

  it('loads a cold entry once for the cluster when both nodes miss it at once (lease)', async () => {
    const id = await seededUserId(a, SEED_USERS[4]!.mobile)
    const fromA = a.queries.length
    const fromB = b.queries.length
    const read = (t: TestApp) => t.app.inject({ url: `/v1_0/users/${id}` })
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) => read(i % 2 === 0 ? a : b)),
    )
    expect(new Set(replies.map((reply) => reply.statusCode))).toEqual(new Set([200]))
    expect(new Set(replies.map((reply) => reply.body))).toEqual(new Set([replies[0]!.body]))
    expect(userBasicQueries(a, fromA) + userBasicQueries(b, fromB)).toBe(1)
  })

  it('ends the load lease of an entry a write deletes, so the next reader loads at once', async () => {
    const { token } = await login(a.app, SEED_USERS[5]!.mobile)
    const auth = bearer(token)
    const id = await seededUserId(a, SEED_USERS[5]!.mobile)
    const lease = `lease:user:${id}:profile`
    expect((await a.app.inject({ url: `/v1_0/users/${id}` })).statusCode).toBe(200)
    // The winner keeps its lease while the value it loaded is written to L2.
    expect(await a.deps.redis!.exists(lease)).toBe(1)
    const patch = await a.app.inject({
      method: 'PATCH',
      url: '/v1_0/user/profile',
      headers: auth,
      payload: { name: '租约之后' },
    })
    expect(patch.statusCode).toBe(201)
    expect(await a.deps.redis!.exists(lease)).toBe(0)
    const read = await b.app.inject({ url: `/v1_0/users/${id}` })
    expect(read.json().data.name).toBe('租约之后')
  })

  it('loads a cold missing entry once for the cluster too, and caches it as missing', async () => {
    const missing = 2n ** 62n + 4242n
    const fromA = a.queries.length
    const fromB = b.queries.length
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 === 0 ? a : b).app.inject({ url: `/v1_0/users/${missing}` }),
      ),
    )
    expect(new Set(replies.map((reply) => reply.statusCode))).toEqual(new Set([400]))
    expect(userBasicQueries(a, fromA) + userBasicQueries(b, fromB)).toBe(1)
  })
})

describe('a load that a delete overtakes (read, then write and delete, then set)', () => {
  const policy = { name: 'race', ttl: TTL.comments }
  const cases: [string, boolean, boolean][] = [
    ['in-process cache', false, false],
    ['one node with Redis', true, false],
    ['two nodes sharing Redis', true, true],
  ]
  for (const [name, withRedis, twoNodes] of cases) {
    it.skipIf(withRedis && !TEST_REDIS_URL)(
      `never keeps the old value: ${name}`,
      async () => {
        const a = await buildTestApp(withRedis ? {} : { redisUrl: false })
        const b = twoNodes ? await buildTestApp({ shareWith: a }) : a
        try {
          for (const key of ['race:value', 'race:missing']) {
            const old = key === 'race:value' ? 'old' : null
            const missing = { ...policy, missing: TTL.commentNotExists }
            let entered!: () => void
            let release!: () => void
            const inLoad = new Promise<void>((resolve) => (entered = resolve))
            const gate = new Promise<void>((resolve) => (release = resolve))
            const reading = a.deps.cache.getOrLoad(key, missing, async () => {
              entered()
              await gate
              return old
            })
            await inLoad
            // The writer commits, then deletes the entry: on the other node when there are two.
            await b.deps.cache.delete(key)
            release()
            expect(await reading).toBe(old)
            for (const node of [a, b]) {
              expect(await node.deps.cache.getOrLoad(key, missing, async () => 'new')).toBe('new')
            }
          }
        } finally {
          if (b !== a) await b.close()
          await a.close()
        }
      },
      60_000,
    ) // it builds its own apps (migrated and seeded) inside the test
  }
})
