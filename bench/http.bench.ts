/**
 * HTTP throughput of the cached read path, against two baselines: the same app with the cache
 * off, and a bare Fastify route that sends the same bytes (the ceiling for this machine).
 *
 *   npm run bench                                  embedded (SQLite + in-process L1)
 *   BENCH_REDIS_URL=redis://127.0.0.1:6379 npm run bench   Redis for both apps (L2 + bus when cached)
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=64 npm run bench    longer / wider runs
 *
 * Loopback only. The load generator runs in a worker thread so it does not share the servers'
 * event loop.
 *
 * The abuse figure: `GET /v1_0/channels` throughput while 4 clients keep sending 8 MB JSON bodies
 * (2 to `POST /v1_0/comments` without a token, 2 to the public `POST /v1_0/authorizations`), as a
 * ratio of the same run without them (target: at least 0.8). The abusers run in their own thread.
 */
import { deleteKeysUnder } from '../src/infra/redis/redis.js'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { Worker } from 'node:worker_threads'
import { parse, type LosslessNumber } from 'lossless-json'
import Fastify, { type FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createDeps } from '../src/deps.js'
import { migrateToLatest } from '../src/infra/db/migrate.js'
import { seedDemo } from '../src/seed/demo.js'

const SMS_CODE = '246810'
const MOBILE = '13911111111'
const SECONDS = positiveInt('BENCH_SECONDS', 5)
const WARMUP_SECONDS = positiveInt('BENCH_WARMUP_SECONDS', 1)
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 32)
const REDIS_URL = process.env['BENCH_REDIS_URL'] || undefined

interface Server {
  url: string
  close(): Promise<void>
}

interface Row {
  name: string
  rps: number
  p50: number
  p99: number
}

function positiveInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}

/** The real app on embedded defaults (logs off) in its own temp DATA_DIR, on a free port. */
async function startApp(label: string, env: Record<string, string>): Promise<Server> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `headline-bench-${label}-`))
  const redisPrefix = `bench:${process.pid}:${label}:`
  const config = loadConfig({
    DATA_DIR: dataDir,
    SMS_TEST_CODE: SMS_CODE,
    LOG_LEVEL: 'silent',
    REDIS_PREFIX: redisPrefix,
    ...env,
  })
  const deps = await createDeps(config, { log: pino({ level: 'silent' }) })
  await migrateToLatest(deps.db.write)
  await seedDemo(deps)
  const app = await buildApp(deps)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    url,
    async close() {
      await app.close()
      if (deps.redis) await deleteKeysUnder(deps.redis, redisPrefix)
      await deps.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A bare Fastify route sending fixed bytes: the framework + loopback floor. */
async function startBare(body: string, contentType: string): Promise<Server> {
  const app: FastifyInstance = Fastify({ logger: false })
  app.get('/bare', (_request, reply) => reply.header('content-type', contentType).send(body))
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { url, close: () => app.close() }
}

async function fetchOk(url: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, init)
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`)
  return response
}

async function loginToken(server: Server): Promise<string> {
  const response = await fetchOk(`${server.url}/v1_0/authorizations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mobile: MOBILE, code: SMS_CODE }),
  })
  const { data } = (await response.json()) as { data: { token: string } }
  return data.token
}

async function load(url: string, headers: Record<string, string>, seconds: number) {
  const result = await autocannon({
    url,
    headers,
    connections: CONNECTIONS,
    duration: seconds,
    workers: 1,
  })
  const failed = result.errors + result.timeouts + result.non2xx
  if (failed > 0) throw new Error(`${url}: ${failed} failed requests of ${result.requests.total}`)
  return result
}

async function measure(name: string, url: string, headers: Record<string, string> = {}) {
  await load(url, headers, WARMUP_SECONDS)
  const result = await load(url, headers, SECONDS)
  const row = {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
  }
  console.log(
    `  ${name.padEnd(42)} ${fmt(row.rps, 0).padStart(8)} req/s   p50 ${fmt(row.p50, 1)} ms   p99 ${fmt(row.p99, 1)} ms`,
  )
  return row
}

const fmt = (value: number, digits: number) => value.toFixed(digits)

function printTable(rows: Row[]) {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms']
  const lines = rows.map((r) => [r.name, fmt(r.rps, 0), fmt(r.p50, 1), fmt(r.p99, 1)])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`)
  for (const cells of lines) console.log(line(cells))
}

function ratio(label: string, a: Row | undefined, b: Row | undefined) {
  if (!a || !b) return
  console.log(
    `  ${label.padEnd(44)} ${fmt(a.rps / b.rps, 2)}x req/s   p99 ${fmt(a.p99, 1)} vs ${fmt(b.p99, 1)} ms`,
  )
}

// Four clients, each sending 8 MB JSON bodies back to back until told to stop.
const ABUSER = `
const http = require('node:http')
const { parentPort, workerData } = require('node:worker_threads')
const body = Buffer.alloc(8 * 1024 * 1024, '1,')
body[0] = 0x5b
let running = true
let sent = 0
parentPort.on('message', () => { running = false })
const once = (path) => new Promise((resolve) => {
  const request = http.request(workerData.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': body.length },
  }, (response) => { response.resume(); response.on('end', resolve); response.on('error', resolve) })
  request.on('error', resolve)
  request.end(body)
})
const client = async (path) => { while (running) { await once(path); sent++ } }
Promise.all(['/v1_0/comments', '/v1_0/comments', '/v1_0/authorizations', '/v1_0/authorizations']
  .map(client)).then(() => parentPort.postMessage(sent))
`

/** Runs `during` while 4 abusers send 8 MB bodies to `url`; returns its result and their count. */
async function whileAbused<T>(url: string, during: () => Promise<T>): Promise<[T, number]> {
  const worker = new Worker(ABUSER, { eval: true, workerData: { url } })
  const sent = new Promise<number>((resolve) => worker.once('message', resolve))
  try {
    await new Promise((resolve) => setTimeout(resolve, 500))
    const result = await during()
    worker.postMessage('stop')
    return [result, await sent]
  } finally {
    await worker.terminate()
  }
}

async function main() {
  const started = Date.now()
  const cachedLabel = REDIS_URL ? 'cached (L1+Redis L2)' : 'cached (L1)'
  const offLabel = REDIS_URL ? 'cache off (Redis stores)' : 'cache off'
  console.log(
    `Headline HTTP bench: ${SECONDS}s per run after ${WARMUP_SECONDS}s warm-up, ` +
      `${CONNECTIONS} connections, Node ${process.version}, ${os.cpus().length} CPUs`,
  )
  const servers: Server[] = []
  try {
    const cached = await startApp('cached', REDIS_URL ? { REDIS_URL } : {})
    servers.push(cached)
    // With Redis, both apps keep counters in Redis: the cache is the only difference.
    const uncached = await startApp('nocache', {
      CACHE_ENABLED: 'false',
      ...(REDIS_URL ? { REDIS_URL } : {}),
    })
    servers.push(uncached)

    const auth = { authorization: `Bearer ${await loginToken(cached)}` }
    const authOff = { authorization: `Bearer ${await loginToken(uncached)}` }
    const me = await fetchOk(`${cached.url}/v1_0/user`, { headers: auth })
    const bare = await startBare(
      await me.text(),
      me.headers.get('content-type') ?? 'application/json; charset=utf-8',
    )
    servers.push(bare)

    // Ids for the content routes: the newest article of channel 1 that has comments.
    const feedPath = `/v1_1/articles?channel_id=1&timestamp=${Date.now() + 60_000}&with_top=0`
    // lossless-json keeps the 64-bit ids exact (JSON.parse would round them).
    const feed = parse(await (await fetchOk(`${cached.url}${feedPath}`)).text()) as {
      data: { results: { art_id: LosslessNumber; comm_count: LosslessNumber }[] }
    }
    const articles = feed.data.results
    const article = articles.find((a) => Number(a.comm_count) > 0) ?? articles[0]
    const articleId = String(article?.art_id)
    const routes: [string, string, boolean][] = [
      ['GET /v1_0/user', '/v1_0/user', true],
      ['GET /v1_0/channels', '/v1_0/channels', false],
      ['GET /v1_1/articles', feedPath, false],
      ['GET /v1_0/articles/:id', `/v1_0/articles/${articleId}`, false],
      ['GET /v1_0/comments', `/v1_0/comments?type=a&source=${articleId}`, false],
    ]
    const rows: Row[] = []
    const pairs: [string, Row, Row][] = []
    for (const [label, route, needsAuth] of routes) {
      const on = await measure(
        `${label.padEnd(24)} ${cachedLabel}`,
        `${cached.url}${route}`,
        needsAuth ? auth : {},
      )
      const off = await measure(
        `${label.padEnd(24)} ${offLabel}`,
        `${uncached.url}${route}`,
        needsAuth ? authOff : {},
      )
      rows.push(on, off)
      pairs.push([label, on, off])
    }
    const floor = await measure(
      `${'GET /bare'.padEnd(24)} same bytes as /v1_0/user`,
      `${bare.url}/bare`,
    )
    rows.push(floor)

    console.log('\nabuse: 4 clients sending 8 MB JSON bodies')
    const calm = await measure(
      `${'GET /v1_0/channels'.padEnd(24)} no abusers`,
      `${cached.url}/v1_0/channels`,
    )
    const [abused, bodies] = await whileAbused(cached.url, () =>
      measure(`${'GET /v1_0/channels'.padEnd(24)} 4 abusers`, `${cached.url}/v1_0/channels`),
    )
    rows.push(calm, abused)

    printTable(rows)
    console.log('\nratios')
    ratio('GET /v1_0/user cached vs bare Fastify', pairs[0]?.[1], floor)
    for (const [label, on, off] of pairs) ratio(`${label} cached vs cache off`, on, off)
    ratio('abuse: channels with 4 abusers vs without', abused, calm)
    console.log(`  (the abusers sent ${bodies} bodies of 8 MB meanwhile; target ratio >= 0.80)`)
  } finally {
    for (const server of servers.reverse()) await server.close()
  }
  console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

await main()
