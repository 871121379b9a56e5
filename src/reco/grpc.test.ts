import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { credentials, loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js'
import { loadSync } from '@grpc/proto-loader'
import { protoPath as healthProtoPath } from 'grpc-health-check'
import { Registry } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRecoFixture, T0, type RecoFixture } from '../../test/reco-fixtures.js'
import { circuitBreaker } from './circuit-breaker.js'
import { grpcRecommender } from './client.js'
import { latestStrategy } from './latest-strategy.js'
import { PROTO_PATH } from './proto.js'
import { recoMetrics } from './reco-metrics.js'
import type { Recommender } from './recommender.js'
import { resilient } from './resilient.js'
import { scoredStrategy } from './scored-strategy.js'
import { startRecoServer, type RecoServer } from './server.js'

/** The original's `user_reco.proto`, as the course wrote it: nothing of Headline's. */
const ORIGINAL_PROTO = `syntax = "proto3";

message User {

    string user_id = 1;
    int32 channel_id = 2;
    int32 article_num = 3;
    int64 time_stamp = 4;
}
// int32 ---> int64 article_id
message Article {

    int64 article_id = 1;
    int32 article_num = 2;

}

message param2 {
    string click = 1;
    string collect = 2;
    string share = 3;
    string read = 4;
}

message param1 {
    int64 article_id = 1;
    param2 params = 2;
}

message Track {
    string exposure = 1;
    repeated param1 recommends = 2;
    int64 time_stamp = 3;
}

message Similar {
    repeated int64 article_id = 1;
}

service UserRecommend {
    // feed recommend
    rpc user_recommend(User) returns (Track) {}
    rpc article_recommend(Article) returns(Similar) {}
}
`

type Callback = (error: (Error & { code?: number }) | null, response: any) => void
const call = (client: any, method: string, request: object, deadlineMs = 5000) =>
  new Promise<any>((resolve, reject) =>
    client[method](request, { deadline: Date.now() + deadlineMs }, ((error, response) =>
      error ? reject(error) : resolve(response)) as Callback),
  )
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const silent = { warn: () => undefined, error: () => undefined, info: () => undefined }

/** A strategy that answers only after `delayMs`, passing the caller's signal on. */
function slow(inner: Recommender, delayMs: number): Recommender {
  return {
    userRecommend: async (request) => (await sleep(delayMs), inner.userRecommend(request)),
    similarArticles: async (id, count) => (await sleep(delayMs), inner.similarArticles(id, count)),
  }
}

describe('gRPC UserRecommend service and client', () => {
  let f: RecoFixture
  let strategy: Recommender
  const servers: RecoServer[] = []
  const start = async (inner: Recommender, port = 0) => {
    const server = await startRecoServer(inner, { host: '127.0.0.1', port, log: silent })
    servers.push(server)
    return server
  }

  beforeAll(async () => {
    f = await openRecoFixture()
    for (let i = 0; i < 12; i++) {
      const title = i % 2 === 0 ? `Redis 缓存设计第${i}讲` : `Vue 组件开发第${i}讲`
      const content = i % 2 === 0 ? '<p>缓存 穿透 雪崩 击穿</p>' : '<p>组件 响应式 渲染</p>'
      await f.article({
        id: BigInt(3001 + i),
        channel: 1,
        author: 7n,
        hoursAgo: i + 1,
        title,
        content,
      })
    }
    strategy = scoredStrategy(f.deps, { now: () => T0 })
  })
  afterAll(async () => {
    for (const server of servers) await server.close(100)
    await f.close()
  })

  it('keeps user_reco.proto the same as the original: messages, fields, service, paths', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'original-proto-'))
    try {
      fs.writeFileSync(path.join(dir, 'user_reco.proto'), ORIGINAL_PROTO)
      const shape = (file: string) => {
        const definition = loadSync(file, { keepCase: true }) as Record<string, any>
        return Object.fromEntries(
          Object.entries(definition).map(([name, entry]) => [
            name,
            entry.type ??
              Object.fromEntries(
                Object.entries(entry).map(([method, m]: [string, any]) => [
                  method,
                  [m.path, m.requestType.type, m.responseType.type, m.requestStream],
                ]),
              ),
          ]),
        )
      }
      expect(shape(PROTO_PATH)).toEqual(shape(path.join(dir, 'user_reco.proto')))
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('answers a client built only from the original .proto text', async () => {
    const server = await start(strategy)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'original-proto-'))
    fs.writeFileSync(path.join(dir, 'user_reco.proto'), ORIGINAL_PROTO)
    const definition = loadSync(path.join(dir, 'user_reco.proto'), {
      keepCase: true,
      longs: String,
      defaults: true,
    })
    const Stub = loadPackageDefinition(definition)['UserRecommend'] as ServiceClientConstructor
    const client = new Stub(`127.0.0.1:${server.port}`, credentials.createInsecure())
    try {
      const track = await call(client, 'user_recommend', {
        user_id: 'device-grpc',
        channel_id: 1,
        article_num: 3,
        time_stamp: T0,
      })
      expect(track.recommends.map((r: any) => r.article_id)).toEqual(['3001', '3002', '3003'])
      expect(track.time_stamp).toBe(String(T0 - 1))
      expect(JSON.parse(track.recommends[0].params.click)).toMatchObject({
        action: 'click',
        userId: 'device-grpc',
        articleId: '3001',
      })
      expect(JSON.parse(track.exposure).articleId).toBe('[3001, 3002, 3003]')
      const next = await call(client, 'user_recommend', {
        user_id: 'device-grpc',
        channel_id: 1,
        article_num: 0,
        time_stamp: track.time_stamp,
      })
      expect(next.recommends.map((r: any) => r.article_id)).toEqual([
        '3004',
        '3005',
        '3006',
        '3007',
        '3008',
        '3009',
        '3010',
        '3011',
        '3012',
      ])
      const similar = await call(client, 'article_recommend', {
        article_id: '3001',
        article_num: 3,
      })
      // The Redis articles read alike; equally similar ones come newest (highest id) first.
      expect(similar.article_id).toEqual(['3011', '3009', '3007'])
      const none = await call(client, 'article_recommend', { article_id: 0, article_num: 3 })
      expect(none.article_id).toEqual([])
      await expect(
        call(client, 'user_recommend', { user_id: 'x', channel_id: -1, article_num: 1 }),
      ).rejects.toMatchObject({ code: 3 })
    } finally {
      client.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reports grpc.health.v1 SERVING while up, NOT_SERVING once shutting down', async () => {
    const server = await start(strategy)
    const definition = loadSync(healthProtoPath, { keepCase: true, enums: String })
    const health = loadPackageDefinition(definition) as any
    const client = new health.grpc.health.v1.Health(
      `127.0.0.1:${server.port}`,
      credentials.createInsecure(),
    )
    try {
      expect(await call(client, 'Check', { service: '' })).toEqual({ status: 'SERVING' })
      expect(await call(client, 'Check', { service: 'UserRecommend' })).toEqual({
        status: 'SERVING',
      })
      await expect(call(client, 'Check', { service: 'Nope' })).rejects.toMatchObject({ code: 5 })
      const statuses: string[] = []
      const watch = client.Watch({ service: 'UserRecommend' })
      watch.on('data', (message: { status: string }) => statuses.push(message.status))
      watch.on('error', () => undefined)
      await expect.poll(() => statuses).toEqual(['SERVING'])
      await server.close(300)
      expect(statuses).toEqual(['SERVING', 'NOT_SERVING'])
      await expect(call(client, 'Check', { service: '' }, 500)).rejects.toMatchObject({ code: 14 })
    } finally {
      client.close()
    }
  })

  it('honours deadlines: a page whose caller gave up is not recorded as shown', async () => {
    const server = await start(slow(strategy, 150))
    const client = grpcRecommender(`127.0.0.1:${server.port}`, { deadlineMs: 50 })
    const request = { viewer: 'dev-late', userId: null, channelId: 1, count: 2, timestamp: T0 }
    try {
      await expect(client.userRecommend(request)).rejects.toMatchObject({ code: 4 })
      await sleep(200)
      const page = await strategy.userRecommend(request)
      expect(page.items.map((item) => item.articleId)).toEqual([3001n, 3002n])
    } finally {
      await client.close()
    }
  })

  it('falls back to newest-first when the service is slow, and counts it', async () => {
    const server = await start(slow(strategy, 300))
    const registry = new Registry()
    const reco = resilient(grpcRecommender(`127.0.0.1:${server.port}`, { deadlineMs: 60 }), {
      fallback: latestStrategy(f.deps),
      deadlineMs: 60,
      metrics: recoMetrics(registry, 'grpc'),
      log: silent,
    })
    try {
      const started = performance.now()
      const page = await reco.userRecommend({
        viewer: '',
        userId: null,
        channelId: 1,
        count: 2,
        timestamp: T0,
      })
      expect(performance.now() - started).toBeLessThan(250)
      expect(page.items.map((item) => item.articleId)).toEqual([3001n, 3002n])
      expect(JSON.parse(page.items[0]!.trace.click).algorithmCombine).toBe('latest')
      const metrics = await registry.metrics()
      expect(metrics).toContain(
        'headline_reco_calls_total{method="user_recommend",target="grpc",outcome="timeout"} 1',
      )
      expect(metrics).toContain(
        'headline_reco_fallbacks_total{method="user_recommend",target="grpc",reason="timeout"} 1',
      )
    } finally {
      await reco.close?.()
    }
  })

  it('opens the circuit while the service is down, and recovers when it is back', async () => {
    const first = await start(strategy)
    const port = first.port
    await first.close(100)
    const registry = new Registry()
    const reco = resilient(grpcRecommender(`127.0.0.1:${port}`, { deadlineMs: 300 }), {
      fallback: latestStrategy(f.deps),
      deadlineMs: 300,
      breaker: circuitBreaker({ failureThreshold: 3, cooldownMs: 200 }),
      metrics: recoMetrics(registry, 'grpc'),
      log: silent,
    })
    let n = 0
    // A new device each time, so the feed never runs dry however long recovery takes.
    const request = () => ({
      viewer: `dev-breaker-${n++}`,
      userId: null,
      channelId: 1,
      count: 1,
      timestamp: T0,
    })
    const algorithm = async () =>
      JSON.parse((await reco.userRecommend(request())).items[0]!.trace.click).algorithmCombine
    try {
      for (let i = 0; i < 5; i++) expect(await algorithm()).toBe('latest')
      const metrics = await registry.metrics()
      expect(metrics).toContain('outcome="error"} 3')
      expect(metrics).toContain('reason="circuit_open"} 2')
      await start(strategy, port)
      await expect.poll(algorithm, { timeout: 5000, interval: 100 }).toBe('score-v1')
      expect(await algorithm()).toBe('score-v1')
    } finally {
      await reco.close?.()
    }
  })
})
