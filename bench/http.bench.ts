/**
 * HTTP throughput of the hot read paths, each as a ratio to a bare Fastify route that sends the
 * same bytes in the same run (the ceiling for this machine), rounds alternating between the two.
 *
 *   npm run bench                                   every route, embedded (SQLite + in-process L1)
 *   npm run bench -- --routes detail,feed           a subset (names below)
 *   npm run bench -- --rounds 5                     medians of 5 rounds instead of 3
 *   TEST_DATABASE_URL=mysql://root@127.0.0.1:3306 TEST_REDIS_URL=redis://127.0.0.1:6379 npm run bench
 *                                                   embedded, then MariaDB + Redis
 *   npm run bench -- --routes feed --profile prof   also writes prof/<backend>-<route>.cpuprofile:
 *                                                   the server's thread during one extra round
 *   BENCH_SECONDS=4 BENCH_CONNECTIONS=16 BENCH_READERS=20000   round length, width, feed readers
 *
 * Routes: channels, announcements, user, users-id, detail, comments, replies, feed, abuse, zipf
 * (the Zipf(1.0) read mix over 100,000 articles: bench/zipf.bench.ts, its own server and corpus).
 * Each route prints Headline's median req/s and p99, the bare route's, their ratio against the
 * target, and the p99 at half of Headline's peak rate. The feed is asked by BENCH_READERS distinct
 * anonymous devices (bench/feed-readers.cjs), so every answer is a full page; the sample page
 * the bare route sends is a reader's too, and 200 answers of 100 readers are counted afterwards.
 *
 * The abuse figure: `GET /v1_0/channels` throughput while 4 clients keep sending 8 MB JSON bodies
 * (2 to `POST /v1_0/comments` without a token, 2 to the public `POST /v1_0/authorizations`), as a
 * ratio of the same run without them (target: at least 0.8). The abusers run in their own thread.
 *
 * Loopback only. The load generator runs in a worker thread so it does not share the servers'
 * event loop.
 */
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import type { LosslessNumber } from 'lossless-json'
import Fastify, { type FastifyInstance } from 'fastify'
import {
  CONNECTIONS,
  fetchJson,
  fetchOk,
  fmt,
  load,
  loadAverage,
  loginToken,
  median,
  positiveInt,
  profiled,
  realBackend,
  startApp,
  type RealBackend,
  type Round,
  type Server,
} from './common.js'
import { zipfMix } from './zipf.bench.js'

const SECONDS = positiveInt('BENCH_SECONDS', 4)
const WARMUP_SECONDS = positiveInt('BENCH_WARMUP_SECONDS', 1)
const READERS_MODULE = fileURLToPath(new URL('./feed-readers.cjs', import.meta.url))
const ROUTE_NAMES = [
  'channels',
  'announcements',
  'user',
  'users-id',
  'detail',
  'comments',
  'replies',
  'feed',
  'abuse',
  'zipf',
] as const
type RouteName = (typeof ROUTE_NAMES)[number]

const { values: args } = parseArgs({
  options: {
    routes: { type: 'string', default: ROUTE_NAMES.join(',') },
    rounds: { type: 'string', default: '3' },
    embedded: { type: 'boolean', default: false },
    profile: { type: 'string' },
  },
})
const SELECTED = new Set(args.routes.split(',').map((name) => name.trim()))
for (const name of SELECTED) {
  if (!(ROUTE_NAMES as readonly string[]).includes(name)) throw new Error(`unknown route ${name}`)
}
const ROUNDS = Number(args.rounds)

/** One route of the table: what to ask, as whom, and the ratio it must reach per backend. */
interface Route {
  name: RouteName
  label: string
  path: string
  headers: Record<string, string>
  setupRequest?: string
  target: { embedded: number; real: number }
}

type Backend = 'embedded' | 'real'

/** Bare Fastify routes sending fixed bytes (one per route of the table): the framework floor. */
async function startBare(bodies: Map<string, { body: string; type: string }>): Promise<Server> {
  const app: FastifyInstance = Fastify({ logger: false })
  for (const [name, { body, type }] of bodies) {
    app.get(`/bare/${name}`, (_request, reply) => reply.header('content-type', type).send(body))
  }
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { url, close: () => app.close() }
}

/** The table's routes with ids read from the seeded app. */
async function tableRoutes(app: Server): Promise<Route[]> {
  const auth = { authorization: `Bearer ${await loginToken(app)}` }
  const me = await fetchJson<{ id: LosslessNumber }>(`${app.url}/v1_0/user`, { headers: auth })
  const feedPath = `/v1_1/articles?channel_id=1&timestamp=${Date.now() + 60_000}&with_top=0`
  const feed = await fetchJson<{
    results: { art_id: LosslessNumber; comm_count: LosslessNumber }[]
  }>(`${app.url}${feedPath}`)
  // The newest article with comments has more than a page of them (src/seed/demo.ts).
  const article = feed.results.find((a) => Number(a.comm_count) > 0) ?? feed.results[0]!
  const comments = await fetchJson<{
    results: { com_id: LosslessNumber; reply_count: LosslessNumber }[]
  }>(`${app.url}/v1_0/comments?type=a&source=${article.art_id.value}`)
  const comment = comments.results.find((c) => Number(c.reply_count) > 0) ?? comments.results[0]!
  const routes: Route[] = [
    {
      name: 'channels',
      label: 'GET /v1_0/channels',
      path: '/v1_0/channels',
      headers: {},
      target: { embedded: 0.7, real: 0.7 },
    },
    {
      name: 'announcements',
      label: 'GET /v1_0/announcements',
      path: '/v1_0/announcements',
      headers: {},
      target: { embedded: 0.7, real: 0.7 },
    },
    {
      name: 'user',
      label: 'GET /v1_0/user (logged in)',
      path: '/v1_0/user',
      headers: auth,
      target: { embedded: 0.5, real: 0.4 },
    },
    {
      name: 'users-id',
      label: 'GET /v1_0/users/:id',
      path: `/v1_0/users/${me.id.value}`,
      headers: {},
      target: { embedded: 0.5, real: 0.4 },
    },
    {
      name: 'detail',
      label: 'GET /v1_0/articles/:id (logged in)',
      path: `/v1_0/articles/${article.art_id.value}`,
      headers: auth,
      target: { embedded: 0.4, real: 0.3 },
    },
    {
      name: 'comments',
      label: 'GET /v1_0/comments?type=a',
      path: `/v1_0/comments?type=a&source=${article.art_id.value}`,
      headers: {},
      target: { embedded: 0.4, real: 0.3 },
    },
    {
      name: 'replies',
      label: 'GET /v1_0/comments?type=c',
      path: `/v1_0/comments?type=c&source=${comment.com_id.value}`,
      headers: {},
      target: { embedded: 0.4, real: 0.3 },
    },
    {
      name: 'feed',
      label: 'GET /v1_1/articles (recommended)',
      path: `/v1_1/articles?channel_id=0&timestamp=${Date.now() + 60_000}&with_top=0`,
      headers: {},
      setupRequest: READERS_MODULE,
      target: { embedded: 0.2, real: 0.15 },
    },
  ]
  return routes.filter((route) => SELECTED.has(route.name))
}

// The readers' module itself, in this thread (its own random start): devices named as the
// bench's readers are, so sample answers have their length.
const nextReader = createRequire(import.meta.url)(READERS_MODULE) as (request: {
  headers: Record<string, string>
}) => { headers: Record<string, string> }
const readerHeaders = () => nextReader({ headers: {} }).headers

/** The body a route answers (for the feed: a fresh reader's full page). */
async function sampleBody(app: Server, route: Route): Promise<{ body: string; type: string }> {
  const headers = route.setupRequest ? readerHeaders() : route.headers
  const response = await fetchOk(`${app.url}${route.path}`, { headers })
  const type = response.headers.get('content-type') ?? 'application/json'
  return { body: await response.text(), type }
}

interface Figures {
  route: Route
  rps: number
  p99: number
  bareRps: number
  bareP99: number
  halfP99: number
  bytes: number
  bareBytes: number
}

/**
 * Items per feed answer: 100 fresh readers ask twice each (a refresh, then the next page), as the
 * bench's readers do; every answer should be a full page of 10.
 */
async function countItems(url: string) {
  const readers = Array.from({ length: 100 }, readerHeaders)
  const sizes: number[] = []
  for (let visit = 0; visit < 2; visit++) {
    for (const headers of readers) {
      const page = await fetchJson<{ results: unknown[] }>(url, { headers })
      sizes.push(page.results.length)
    }
  }
  const short = sizes.filter((size) => size < 10).length
  console.log(
    `  items per answer over ${sizes.length} answers of 100 fresh readers: ` +
      `${Math.min(...sizes)}–${Math.max(...sizes)}, ${short} not a full page of 10` +
      (short > 0 ? ' ✗' : ''),
  )
}

/** Alternating rounds Headline / bare, medians, then Headline at half its median rate. */
async function measureRoute(
  backend: Backend,
  app: Server,
  bare: Server,
  route: Route,
): Promise<Figures> {
  const own = `${app.url}${route.path}`
  const floor = `${bare.url}/bare/${route.name}`
  const options = { headers: route.headers, setupRequest: route.setupRequest }
  await load(own, options, WARMUP_SECONDS)
  await load(floor, {}, WARMUP_SECONDS)
  const mine: Round[] = []
  const theirs: Round[] = []
  for (let round = 0; round < ROUNDS; round++) {
    mine.push(await load(own, options, SECONDS))
    theirs.push(await load(floor, {}, SECONDS))
  }
  const rps = median(mine.map((r) => r.rps))
  if (args.profile) {
    const file = path.join(args.profile, `${backend}-${route.name}.cpuprofile`)
    await profiled(file, () => load(own, options, SECONDS))
  }
  const half = await load(own, { ...options, rate: Math.max(1, Math.round(rps / 2)) }, SECONDS)
  if (route.setupRequest) await countItems(own)
  const figures = {
    route,
    rps,
    p99: median(mine.map((r) => r.p99)),
    bareRps: median(theirs.map((r) => r.rps)),
    bareP99: median(theirs.map((r) => r.p99)),
    halfP99: half.p99,
    bytes: median(mine.map((r) => r.bytes)),
    bareBytes: median(theirs.map((r) => r.bytes)),
  }
  console.log(
    `  ${route.label.padEnd(36)} ${fmt(rps).padStart(7)} req/s p99 ${figures.p99} ms | bare ` +
      `${fmt(figures.bareRps).padStart(7)} | ratio ${fmt(rps / figures.bareRps, 2)} | ` +
      `p99 at half load ${half.p99} ms | ${fmt(figures.bytes)} vs ${fmt(figures.bareBytes)} B/answer`,
  )
  return figures
}

function printTable(backend: Backend, rows: Figures[]) {
  console.log(
    `\n| route | Headline req/s | p99 ms | bare req/s | ratio | target | p99 at ½ peak |\n` +
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  )
  for (const row of rows) {
    const ratio = row.rps / row.bareRps
    const target = row.route.target[backend]
    console.log(
      `| \`${row.route.label}\` | ${fmt(row.rps)} | ${row.p99} | ${fmt(row.bareRps)} | ` +
        `${fmt(ratio, 2)} | ${ratio >= target ? '✓' : '✗'} ≥ ${fmt(target, 2)} | ${row.halfP99} ms |`,
    )
  }
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

/** Alternating rounds without and with the abusers; the ratio of the medians. */
async function abuseFigure(app: Server) {
  const url = `${app.url}/v1_0/channels`
  await load(url, {}, WARMUP_SECONDS)
  const calm: number[] = []
  const abused: number[] = []
  let bodies = 0
  for (let round = 0; round < ROUNDS; round++) {
    calm.push((await load(url, {}, SECONDS)).rps)
    const [result, sent] = await whileAbused(app.url, () => load(url, {}, SECONDS))
    abused.push(result.rps)
    bodies += sent
  }
  const [alone, attacked] = [median(calm), median(abused)]
  console.log(
    `\nabuse: GET /v1_0/channels ${fmt(alone)} req/s alone, ${fmt(attacked)} req/s while 4 ` +
      `clients sent ${bodies} bodies of 8 MB (medians of ${ROUNDS} rounds): ratio ` +
      `${fmt(attacked / alone, 2)} (target ≥ 0.80); rounds alone ${calm.map((r) => fmt(r)).join(', ')}, ` +
      `attacked ${abused.map((r) => fmt(r)).join(', ')}`,
  )
}

async function runBackend(backend: Backend) {
  const real = backend === 'real' ? realBackend() : null
  console.log(`\n${backend === 'real' ? 'MariaDB + Redis' : 'embedded (SQLite + L1)'}`)
  if ([...SELECTED].some((name) => name !== 'zipf')) await runTable(backend, real)
  if (SELECTED.has('zipf')) await zipfMix(real, { rounds: ROUNDS, profile: args.profile })
}

async function runTable(backend: Backend, real: RealBackend) {
  const servers: Server[] = []
  try {
    const app = await startApp(real, { articles: positiveInt('BENCH_ARTICLES', 2000) })
    servers.push(app)
    const routes = await tableRoutes(app)
    const bodies = new Map<string, { body: string; type: string }>()
    for (const route of routes) bodies.set(route.name, await sampleBody(app, route))
    const bare = await startBare(bodies)
    servers.push(bare)
    const rows: Figures[] = []
    for (const route of routes) rows.push(await measureRoute(backend, app, bare, route))
    if (rows.length > 0) printTable(backend, rows)
    if (SELECTED.has('abuse')) await abuseFigure(app)
  } finally {
    for (const server of servers.reverse()) await server.close()
  }
}

async function main() {
  const started = Date.now()
  console.log(
    `Headline HTTP bench: ${ROUNDS} alternating rounds of ${SECONDS}s after ${WARMUP_SECONDS}s ` +
      `warm-up, ${CONNECTIONS} connections, Node ${process.version}, ${os.cpus().length} CPUs, ` +
      `load average ${loadAverage()}`,
  )
  await runBackend('embedded')
  if (realBackend() && !args.embedded) {
    await runBackend('real')
  }
  console.log(
    `\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s, load average ${loadAverage()}`,
  )
}

await main()
