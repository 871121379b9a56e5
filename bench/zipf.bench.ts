/**
 * A Zipf(1.0) read mix over the `seed --articles 100000` corpus: feed pages, article opens and
 * comments pages, with the article drawn Zipf over the corpus (popularity ranks are a fixed
 * shuffle of the articles, so the head is not simply the newest ones the feed shows).
 *
 *   npm run bench -- --routes zipf               embedded, then MariaDB + Redis when TEST_DATABASE_URL
 *                                                and TEST_REDIS_URL are set (part of the default run)
 *   npm run bench:zipf                           the same on its own
 *   BENCH_ZIPF_ARTICLES=20000 BENCH_ZIPF_WARMUP_SECONDS=30 BENCH_ZIPF_MIX=40,40,20
 *                                                corpus, warm-up, feed/open/comments percentages
 *
 * The server is `headline serve` in a child process (jobs off), so its RSS is the server's own,
 * embedded search index built; the figures are read from its /metrics before and after the
 * measured rounds (taken once start-up work, such as the counter repair of the Redis watch, is
 * over): hit ratio = cache hits (front, L1, L2) ÷ lookups (hits + misses, a miss being
 * a load from the database), database queries = SQL statements executed, ÷ HTTP requests.
 * The SQLite corpus is seeded once into the system temp folder (keyed by the seed's and
 * migrations' sources) and copied for each run; MariaDB gets a bench database seeded per run.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import SQLite from 'better-sqlite3'
import { createConnection } from 'mysql2/promise'
import { createRedis, deleteKeysUnder, quitRedis } from '../src/infra/redis/redis.js'
import { mulberry32 } from '../src/seed/demo.js'
import { freePort } from '../test/processes.js'
import {
  CONNECTIONS,
  SMS_CODE,
  cachedSeedDir,
  createDatabase,
  fmt,
  load,
  loadAverage,
  loginToken,
  median,
  positiveInt,
  realBackend,
  type RealBackend,
  type Round,
} from './common.js'

const ARTICLES = positiveInt('BENCH_ZIPF_ARTICLES', 100_000)
const SECONDS = positiveInt('BENCH_SECONDS', 4)
const WARMUP_SECONDS = positiveInt('BENCH_ZIPF_WARMUP_SECONDS', 20)
const READERS = positiveInt('BENCH_READERS', 20_000)
const MIX = (process.env['BENCH_ZIPF_MIX'] ?? '40,40,20').split(',').map(Number)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const REQUESTS_MODULE = fileURLToPath(new URL('./zipf-requests.cjs', import.meta.url))
// Share of requests that draw an article (opens and comments pages), set by writePlan.
let articleShare = 0.6
const DEMO_MOBILES = ['13911111111', '13611111111', '13711111111', '13811111111', '13511111111']

/** Targets of the hot-paths work. */
const TARGET = { hitRatio: 0.98, queriesPerRequest: 0.02, rssMb: 400 }

interface Snapshot {
  hits: number
  misses: number
  loads: Map<string, number>
  queries: number
  requests: number
}

/** The figures of one backend. */
export interface ZipfFigures {
  rps: number
  p99: number
  hitRatio: number
  queriesPerRequest: number
  loadsPerRequest: number
  rssMb: number
  peakRssMb: number
  requests: number
}

/** Runs `headline <args>` (tsx) with `env` and resolves when it exits 0. */
function runCli(args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`headline ${args.join(' ')}: exit ${code}`)),
    )
  })
}

async function until(what: string, seconds: number, ready: () => Promise<boolean>) {
  const deadline = Date.now() + seconds * 1000
  while (!(await ready().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${seconds} s`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** `headline serve` on a free port; resolves once it answers and its search index is built. */
async function serve(env: Record<string, string>, profileDir?: string) {
  const port = await freePort()
  const flags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      SMS_TEST_CODE: SMS_CODE,
      JOBS: 'false',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  try {
    await until('serve', 120, async () => (await fetch(`${url}/v1_0/channels`)).ok)
    const search = `${url}/v1_0/search?q=${encodeURIComponent('缓存')}&page=1&per_page=10`
    await until('search index', 300, async () => (await fetch(search)).ok)
    // With Redis, the Redis watch repairs the counters at start: the figures begin once the
    // server runs no statement of its own for two seconds.
    let last = -1
    await until('start-up work', 300, async () => {
      const { queries } = await snapshot(url)
      const quiet = queries === last
      last = queries
      if (!quiet) await new Promise((resolve) => setTimeout(resolve, 1750))
      return quiet
    })
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM')
      await exited
    },
  }
}

const sum = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0)

/** VmRSS and VmHWM (peak) of a process, in MiB. */
function rssOf(child: ChildProcess): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 }
}

/** Sums of the cache, load, query and request counters of the server's /metrics. */
async function snapshot(url: string): Promise<Snapshot> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const result: Snapshot = { hits: 0, misses: 0, loads: new Map(), queries: 0, requests: 0 }
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{([^}]*)\})? ([\d.e+-]+)$/.exec(line)
    if (!match) continue
    const [, name, labels = '', raw] = match
    const value = Number(raw)
    const label = (key: string) => new RegExp(`${key}="([^"]*)"`).exec(labels)?.[1]
    if (name === 'headline_cache_events_total') {
      if (label('event') === 'hit') result.hits += value
      else result.misses += value
    } else if (name === 'headline_cache_load_seconds_count') {
      const entry = label('entry') ?? '?'
      result.loads.set(entry, (result.loads.get(entry) ?? 0) + value)
    } else if (name === 'headline_db_query_seconds_count') {
      result.queries += value
    } else if (name === 'headline_http_request_seconds_count') {
      result.requests += value
    }
  }
  return result
}

/** Approved article ids (exact decimal strings) in a fixed random popularity order. */
async function articleIds(source: { sqliteFile: string } | { databaseUrl: string }) {
  let ids: string[]
  const query = (cast: string) =>
    `SELECT CAST(article_id AS ${cast}) AS id FROM news_article_basic WHERE status = 2 ORDER BY article_id`
  if ('sqliteFile' in source) {
    const db = new SQLite(source.sqliteFile, { readonly: true })
    ids = (db.prepare(query('TEXT')).all() as { id: string }[]).map((row) => row.id)
    db.close()
  } else {
    const connection = await createConnection(source.databaseUrl)
    const [rows] = await connection.query(query('CHAR'))
    ids = (rows as { id: string }[]).map((row) => row.id)
    await connection.end()
  }
  const random = mulberry32(1)
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[ids[i], ids[j]] = [ids[j]!, ids[i]!]
  }
  return ids
}

/** Where the corpus lives for this run, and how to drop it afterwards. */
async function prepareCorpus(real: RealBackend, redisPrefix: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-zipf-'))
  if (!real) {
    const seeded = await cachedSeedDir(ARTICLES, async (dir) => {
      const started = Date.now()
      await runCli(['seed', '--articles', String(ARTICLES)], { DATA_DIR: dir })
      console.log(
        `  seeded ${fmt(ARTICLES)} articles in ${fmt((Date.now() - started) / 1000, 1)} s`,
      )
    })
    fs.cpSync(seeded, dataDir, { recursive: true })
    return {
      env: { DATA_DIR: dataDir },
      ids: await articleIds({ sqliteFile: path.join(dataDir, 'headline.db') }),
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    }
  }
  const [databaseUrl, dropDatabase] = await createDatabase(real.databaseUrl)
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    REDIS_URL: real.redisUrl,
    REDIS_PREFIX: redisPrefix,
  }
  const drop = async () => {
    await dropDatabase()
    const redis = createRedis(real.redisUrl)
    await deleteKeysUnder(redis, redisPrefix)
    await quitRedis(redis)
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    const started = Date.now()
    await runCli(['seed', '--articles', String(ARTICLES)], env)
    console.log(`  seeded ${fmt(ARTICLES)} articles in ${fmt((Date.now() - started) / 1000, 1)} s`)
    return { env, ids: await articleIds({ databaseUrl }), drop }
  } catch (error) {
    await drop()
    throw error
  }
}

/**
 * The share of Zipf(1.0) draws `warm + 1 … warm + window` over `n` ranks that fall on a rank not
 * drawn before: the loads no cache can avoid in the window (each such article is read once).
 */
export function firstSightShare(n: number, warm: number, window: number): number {
  let harmonic = 0
  for (let rank = 1; rank <= n; rank++) harmonic += 1 / rank
  let fresh = 0
  for (let rank = 1; rank <= n; rank++) {
    const miss = 1 - 1 / (rank * harmonic)
    fresh += Math.pow(miss, warm) - Math.pow(miss, warm + window)
  }
  return fresh / Math.max(1, window)
}

/** Writes the plan the request module reads and points ZIPF_PLAN at it. */
function writePlan(dir: string, ids: string[], tokens: string[]) {
  const [feed = 40, open = 40, comments = 20] = MIX
  const sum = feed + open + comments
  articleShare = (open + comments) / sum
  const file = path.join(dir, 'zipf-plan.json')
  const feedPath = `/v1_1/articles?channel_id=0&timestamp=${Date.now() + 3_600_000}&with_top=1`
  const plan = {
    ids,
    tokens,
    exponent: 1,
    readers: READERS,
    feedPath,
    mix: { feed: feed / sum, open: open / sum, comments: comments / sum },
  }
  fs.writeFileSync(file, JSON.stringify(plan))
  // Worker threads copy the environment when they start: autocannon's sees it.
  process.env['ZIPF_PLAN'] = file
  return `${feed}/${open}/${comments}`
}

/** The Zipf mix on one backend: warm-up, `rounds` rounds, figures from the server's counters. */
export async function zipfMix(
  real: RealBackend,
  options: { rounds: number; profile?: string | undefined },
): Promise<ZipfFigures> {
  const started = Date.now()
  const redisPrefix = `bench:zipf:${process.pid}:${Date.now()}:`
  const corpus = await prepareCorpus(real, redisPrefix)
  const profileDir = options.profile && path.resolve(options.profile, real ? 'real' : 'embedded')
  let server: Awaited<ReturnType<typeof serve>> | undefined
  try {
    server = await serve(corpus.env, profileDir)
    const atStart = rssOf(server.child)
    const app = { url: server.url, close: async () => undefined }
    const tokens = await Promise.all(DEMO_MOBILES.map((mobile) => loginToken(app, mobile)))
    const mix = writePlan(corpus.env.DATA_DIR, corpus.ids, tokens)
    const target = `${server.url}/`
    const warm = await load(target, { setupRequest: REQUESTS_MODULE }, WARMUP_SECONDS)
    const before = await snapshot(server.url)
    const rounds: Round[] = []
    for (let round = 0; round < options.rounds; round++) {
      rounds.push(await load(target, { setupRequest: REQUESTS_MODULE }, SECONDS))
    }
    const after = await snapshot(server.url)
    const memory = rssOf(server.child)
    const hits = after.hits - before.hits
    const misses = after.misses - before.misses
    // The two /metrics reads are requests too.
    const requests = after.requests - before.requests - 1
    const figures: ZipfFigures = {
      rps: median(rounds.map((r) => r.rps)),
      p99: median(rounds.map((r) => r.p99)),
      hitRatio: hits / Math.max(1, hits + misses),
      queriesPerRequest: (after.queries - before.queries) / Math.max(1, requests),
      loadsPerRequest: (sum(after.loads) - sum(before.loads)) / Math.max(1, requests),
      rssMb: memory.rss,
      peakRssMb: memory.peak,
      requests,
    }
    const loads = [...after.loads]
      .map(([entry, count]) => [entry, count - (before.loads.get(entry) ?? 0)] as const)
      .filter(([, count]) => count > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([entry, count]) => `${entry} ${fmt(count)}`)
      .join(', ')
    const check = (ok: boolean) => (ok ? '✓' : '✗')
    const draws = (count: number) => Math.round(count * articleShare)
    const fresh = firstSightShare(corpus.ids.length, draws(warm.requests), draws(requests))
    console.log(
      `  Zipf(1.0) over ${fmt(corpus.ids.length)} articles, mix feed/open/comments ${mix}, ` +
        `${fmt(warm.requests)} warm-up requests, ${options.rounds} rounds of ${SECONDS}s\n` +
        `  ${fmt(figures.rps)} req/s, p99 ${figures.p99} ms | hit ratio ` +
        `${fmt(figures.hitRatio * 100, 2)}% (${fmt(hits)} hits, ${fmt(misses)} misses) | ` +
        `${fmt(figures.queriesPerRequest, 3)} queries/request (${fmt(after.queries - before.queries)}` +
        ` over ${fmt(requests)} requests) | RSS ${fmt(figures.rssMb)} MB (${fmt(atStart.rss)} MB ` +
        `before the load, peak ${fmt(figures.peakRssMb)} MB)\n  cache loads ` +
        `${fmt(figures.loadsPerRequest, 3)}/request: ${loads || 'none'}; first sight of an ` +
        `article (no cache can hold it yet): ${fmt(fresh * 100, 1)}% of the window's article ` +
        `draws, ${fmt(fresh * articleShare, 3)}/request`,
    )
    console.log(
      `\n| Zipf mix | req/s | p99 ms | L1 + L2 hit ratio | queries/request | cache loads/request | RSS MB |\n` +
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
        `| ${real ? 'MariaDB + Redis' : 'embedded'} | ${fmt(figures.rps)} | ${figures.p99} | ` +
        `${check(figures.hitRatio >= TARGET.hitRatio)} ${fmt(figures.hitRatio * 100, 2)}% | ` +
        `${check(figures.queriesPerRequest <= TARGET.queriesPerRequest)} ` +
        `${fmt(figures.queriesPerRequest, 3)} | ${fmt(figures.loadsPerRequest, 3)} | ` +
        `${check(figures.peakRssMb < TARGET.rssMb)} ` +
        `${fmt(figures.peakRssMb)} (peak) |`,
    )
    console.log(`  (${fmt((Date.now() - started) / 1000, 1)} s, load average ${loadAverage()})`)
    return figures
  } finally {
    await server?.stop()
    await corpus.drop()
  }
}

async function main() {
  console.log(
    `Headline Zipf bench: ${CONNECTIONS} connections, Node ${process.version}, ` +
      `${os.cpus().length} CPUs, load average ${loadAverage()}`,
  )
  const rounds = positiveInt('BENCH_ROUNDS', 3)
  console.log('\nembedded (SQLite + L1)')
  await zipfMix(null, { rounds })
  const real = realBackend()
  if (real) {
    console.log('\nMariaDB + Redis')
    await zipfMix(real, { rounds })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
