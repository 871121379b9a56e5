/**
 * The recommender in process vs as its own gRPC service (`headline reco`, a child process):
 *   1. user_recommend latency (p50/p99 of sequential calls: strategy call vs gRPC round trip);
 *   2. feed throughput, GET /v1_1/articles, through an app using either.
 *
 *   npm run bench:reco                                   embedded (SQLite file shared by both)
 *   BENCH_REDIS_URL=redis://127.0.0.1:6379 npm run bench:reco   Redis stores for both
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=64 BENCH_CALLS=5000 BENCH_ARTICLES=20000 npm run bench:reco
 *
 * Loopback only; everything it starts is stopped at the end. Anonymous devices scroll the feed
 * (500 of them in turn), so every call ranks, records shown articles and reads feedback.
 */
import { deleteKeysUnder } from '../src/infra/redis/redis.js'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { pino } from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createDeps, type Deps } from '../src/deps.js'
import { migrateToLatest } from '../src/infra/db/migrate.js'
import { grpcRecommender } from '../src/reco/client.js'
import { latestStrategy } from '../src/reco/latest-strategy.js'
import type { Recommender } from '../src/reco/recommender.js'
import { scoredStrategy } from '../src/reco/scored-strategy.js'
import { seedDemo } from '../src/seed/demo.js'
import { freePort } from '../test/processes.js'

const SECONDS = positiveInt('BENCH_SECONDS', 5)
const WARMUP_SECONDS = positiveInt('BENCH_WARMUP_SECONDS', 1)
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 32)
const CALLS = positiveInt('BENCH_CALLS', 3000)
const ARTICLES = positiveInt('BENCH_ARTICLES', 5000)
const DEVICES = 500
const REDIS_URL = process.env['BENCH_REDIS_URL'] || undefined

function positiveInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

/** Sequential user_recommend calls: devices scroll in turn, half in 推荐 (0), half in a channel. */
async function latency(label: string, recommender: Recommender) {
  const call = (i: number) =>
    recommender.userRecommend({
      viewer: `${label}-${i % DEVICES}`,
      userId: null,
      channelId: i % 2 === 0 ? 0 : 1 + (i % 20),
      count: 10,
      timestamp: Date.now(),
    })
  for (let i = 0; i < 200; i++) await call(CALLS + i)
  const times: number[] = []
  let items = 0
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now()
    items += (await call(i)).items.length
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return { p50: percentile(times, 50), p99: percentile(times, 99), items: items / CALLS }
}

/** autocannon cycles through these: one device per request, in turn. */
const deviceRequests = (prefix: string) =>
  Array.from({ length: DEVICES }, (_, i) => ({
    method: 'GET' as const,
    path: `/v1_1/articles?channel_id=${i % 2 === 0 ? 0 : 1 + (i % 20)}&timestamp=${Date.now()}&with_top=0`,
    headers: { authorization: `Anony ${prefix}-${i}` },
  }))

async function throughput(url: string, prefix: string) {
  await autocannon({
    url,
    requests: deviceRequests(`${prefix}-warm`),
    connections: CONNECTIONS,
    duration: WARMUP_SECONDS,
    workers: 1,
  })
  const result = await autocannon({
    url,
    requests: deviceRequests(prefix),
    connections: CONNECTIONS,
    duration: SECONDS,
    workers: 1,
  })
  const failed = result.errors + result.timeouts + result.non2xx
  if (failed > 0) throw new Error(`${url}: ${failed} failed of ${result.requests.total}`)
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 }
}

async function startRecoProcess(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'reco'], {
    env: { ...process.env, ...env, RECO_PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const probe = grpcRecommender(`127.0.0.1:${port}`, { deadlineMs: 1000 })
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (child.exitCode !== null) throw new Error(`reco exited with ${child.exitCode}`)
      const up = await probe.similarArticles(1n, 1).then(
        () => true,
        () => false,
      )
      if (up) return child
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    throw new Error('reco did not start within 20 s')
  } finally {
    await probe.close()
  }
}

async function fallbacks(deps: Deps): Promise<number> {
  const metric = deps.metrics.registry.getSingleMetric('headline_reco_fallbacks_total')
  const values = metric ? (await metric.get()).values : []
  return values.reduce((sum, value) => sum + value.value, 0)
}

async function main() {
  const started = Date.now()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-bench-reco-'))
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    REDIS_PREFIX: `bench:${process.pid}:reco:`,
    ...(REDIS_URL ? { REDIS_URL } : {}),
  }
  const log = pino({ level: 'silent' })
  const local = await createDeps(loadConfig(env), { log })
  const port = await freePort()
  const remote = await createDeps(loadConfig({ ...env, RECO_GRPC_URL: `127.0.0.1:${port}` }), {
    log,
  })
  let child: ChildProcess | undefined
  const closers: (() => Promise<unknown>)[] = []
  try {
    await migrateToLatest(local.db.write)
    await seedDemo(local, { articles: ARTICLES })
    child = await startRecoProcess(env, port)
    console.log(
      `Headline recommender bench: ${ARTICLES} articles, ${REDIS_URL ? 'Redis' : 'SQLite'} stores, ` +
        `Node ${process.version}, ${os.cpus().length} CPUs; reco in a child process on :${port}`,
    )

    console.log(`\nuser_recommend, ${CALLS} sequential calls (after 200 warm-up calls)`)
    const client = grpcRecommender(`127.0.0.1:${port}`, { deadlineMs: 5000 })
    closers.push(() => client.close())
    const rows = [
      ['in process', await latency('inproc', scoredStrategy(local))],
      ['gRPC (loopback)', await latency('grpc', client)],
    ] as const
    for (const [name, r] of rows) {
      console.log(
        `  ${name.padEnd(18)} p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   ${r.items.toFixed(1)} items/page`,
      )
    }

    console.log(
      `\nGET /v1_1/articles, ${CONNECTIONS} connections, ${SECONDS}s after ${WARMUP_SECONDS}s warm-up`,
    )
    const apps = [] as { name: string; url: string; deps: Deps }[]
    const baseline: Deps = { ...local, recommender: latestStrategy(local) }
    for (const [name, deps] of [
      ['newest-first only', baseline],
      ['in process', local],
      ['gRPC service', remote],
    ] as const) {
      const app = await buildApp(deps)
      closers.push(() => app.close())
      apps.push({ name, url: await app.listen({ host: '127.0.0.1', port: 0 }), deps })
    }
    const results = []
    for (const app of apps) {
      const r = await throughput(app.url, app.name.replace(/\W/g, ''))
      results.push(r)
      console.log(
        `  ${app.name.padEnd(18)} ${r.rps.toFixed(0).padStart(6)} req/s   p50 ${r.p50} ms   p99 ${r.p99} ms` +
          `   fallbacks ${await fallbacks(app.deps)}`,
      )
    }
    const [newest, a, b] = results
    if (newest && a && b) {
      console.log(`\n  gRPC / in process: ${(b.rps / a.rps).toFixed(2)}x req/s`)
      console.log(`  in process / newest-first only: ${(a.rps / newest.rps).toFixed(2)}x req/s`)
    }
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined)
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    if (local.redis) await deleteKeysUnder(local.redis, env['REDIS_PREFIX'] as string)
    await remote.close()
    await local.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

await main()
