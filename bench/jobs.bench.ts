/**
 * counter-repair over a large corpus: wall time, rows read per second, peak RSS, and the API's
 * p99 while it runs against the same load without it.
 *
 *   npm run bench:jobs                                 SQLite: 100 000 articles, 1 M likes, 200 k comments
 *   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 BENCH_REDIS_URL=redis://127.0.0.1:6379 npm run bench:jobs
 *   BENCH_ARTICLES=20000 BENCH_LIKES=200000 BENCH_COMMENTS=40000 npm run bench:jobs   a smaller corpus
 *   BENCH_ONLY=mysql …                                 skip SQLite
 *
 * The corpus is the demo generator (`seed --articles N`) plus generated likes and comments. Every
 * counter is emptied first (what a Redis that restarted empty looks like), then repaired; a second
 * run over correct counters shows the nightly case, then each counter alone. The API runs in the
 * same process (the embedded shape, where `serve` runs the jobs), loaded by autocannon on
 * `GET /v1_0/users/:id` in alternating rounds without and with repairs running.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { createConnection } from 'mysql2/promise'
import { pino } from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createDeps, type Deps } from '../src/deps.js'
import { migrateToLatest } from '../src/infra/db/migrate.js'
import { toId } from '../src/infra/db/values.js'
import { deleteKeysUnder } from '../src/infra/redis/redis.js'
import { ALL_COUNTERS, repairCounters } from '../src/jobs/counter-repair.js'
import { mulberry32, seedDemo } from '../src/seed/demo.js'

const ARTICLES = positiveInt('BENCH_ARTICLES', 100_000)
const LIKES = positiveInt('BENCH_LIKES', 1_000_000)
const COMMENTS = positiveInt('BENCH_COMMENTS', 200_000)
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 16)
const ROUND_SECONDS = positiveInt('BENCH_SECONDS', 5)
const ROUNDS = positiveInt('BENCH_ROUNDS', 5)

function positiveInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`

async function openDeps(databaseUrl: string | undefined, redisUrl: string | undefined) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-bench-jobs-'))
  let name: string | undefined
  let url: string | undefined
  if (databaseUrl) {
    name = `headline_bench_jobs_${process.pid}`
    const admin = await createConnection(databaseUrl)
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`)
    await admin.end()
    const parsed = new URL(databaseUrl)
    parsed.pathname = `/${name}`
    url = parsed.toString()
  }
  const prefix = `bench:jobs:${process.pid}:`
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: 'bench-secret-with-enough-length',
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
  }
  if (process.env['JOBS_BATCH_SIZE']) env['JOBS_BATCH_SIZE'] = process.env['JOBS_BATCH_SIZE']
  if (url) env['DATABASE_URL'] = url
  if (redisUrl) env['REDIS_URL'] = redisUrl
  const deps = await createDeps(loadConfig(env), { log: pino({ level: 'silent' }) })
  return {
    deps,
    async close() {
      if (deps.redis) await deleteKeysUnder(deps.redis, prefix)
      await deps.close()
      if (name && databaseUrl) {
        const admin = await createConnection(databaseUrl)
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``)
        await admin.end()
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Extra users, likes (distinct user–article pairs) and comments on top of the demo corpus. */
async function grow(deps: Deps) {
  const db = deps.db.write
  const articles = (await db.selectFrom('news_article_basic').select('article_id').execute()).map(
    (row) => toId(row.article_id).toString(),
  )
  const users = Math.ceil(LIKES / articles.length)
  const userIds = Array.from({ length: users }, () => deps.ids.nextId().toString())
  const now = new Date().toISOString().slice(0, 19).replace('T', ' ')
  for (const [i, user_id] of userIds.entries()) {
    await db
      .insertInto('user_basic')
      .values({ user_id, mobile: `150${String(i).padStart(8, '0')}`, user_name: `bench${i}` })
      .execute()
  }
  const rows: { user_id: string; article_id: string; attitude: number }[] = []
  for (let n = 0; n < LIKES; n++) {
    rows.push({
      user_id: userIds[Math.floor(n / articles.length)]!,
      article_id: articles[n % articles.length]!,
      attitude: n % 10 === 0 ? 0 : 1,
    })
  }
  await insertChunks(deps, 'news_attitude', rows)
  const random = mulberry32(7)
  const comments = Array.from({ length: COMMENTS }, () => ({
    comment_id: deps.ids.nextId().toString(),
    user_id: userIds[Math.floor(random() * users)]!,
    article_id: articles[Math.floor(random() * articles.length)]!,
    content: 'bench',
    status: 1,
    create_time: now,
    update_time: now,
  }))
  await insertChunks(deps, 'news_comment', comments)
}

async function insertChunks(deps: Deps, table: 'news_attitude' | 'news_comment', rows: object[]) {
  for (let i = 0; i < rows.length; i += 2000) {
    await deps.db.write
      .insertInto(table)
      .values(rows.slice(i, i + 2000) as never)
      .execute()
  }
}

/** Rows the repair reads: every source row once per counter using it, plus the entity ids. */
async function rowsRead(deps: Deps): Promise<number> {
  const count = async (table: string) =>
    Number(
      (
        await deps.db.read
          .selectFrom(table as 'user_basic')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const [users, articles, comments, attitudes, collections, likings, relations] =
    (await Promise.all(
      [
        'user_basic',
        'news_article_basic',
        'news_comment',
        'news_attitude',
        'news_collection',
        'news_comment_liking',
        'user_relation',
      ].map(count),
    )) as [number, number, number, number, number, number, number]
  return (
    users * 2 + // ids, read checkpoints
    articles * 3 + // ids, arts per user, read checkpoints
    comments * 3 + // ids, per article, per parent
    attitudes * 3 + // likes, dislikes, liked per author
    collections * 2 +
    likings +
    relations * 2
  )
}

async function emptyCounters(deps: Deps) {
  if (deps.redis) for (const name of ALL_COUNTERS) await deps.redis.del(name)
  else await deps.db.write.deleteFrom('headline_counter').execute()
}

async function measure(deps: Deps, rows: number, names = ALL_COUNTERS) {
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
  // The longest the event loop waited: what one statement (or one batch of work) blocks.
  const delay = monitorEventLoopDelay({ resolution: 5 })
  delay.enable()
  const start = performance.now()
  const changes = await repairCounters(deps, names, { batchSize: deps.config.jobs.batchSize })
  const wall = performance.now() - start
  delay.disable()
  clearInterval(sampler)
  const changed = names.reduce((sum, name) => sum + (changes[name] ?? 0), 0)
  return { wall, rowsPerSecond: rows / (wall / 1000), peak, changed, stall: delay.max / 1e6 }
}

async function load(url: string, seconds: number) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds })
  return { p99: result.latency.p99, rps: result.requests.average }
}

class Stopped extends Error {}

/**
 * The API's p99 in alternating rounds without and with repairs running back to back (each round
 * with the repair starts from `prepare`), so that load from other work on the machine falls on
 * both sides alike; medians of the rounds.
 */
async function alternate(deps: Deps, url: string, prepare: () => Promise<void>) {
  const idle: number[] = []
  const busy: number[] = []
  const rates: number[][] = [[], []]
  for (let round = 0; round < ROUNDS; round++) {
    const without = await load(url, ROUND_SECONDS)
    idle.push(without.p99)
    rates[0]!.push(without.rps)
    await prepare()
    let stop = false
    const repairs = (async () => {
      const checkpoint = () => {
        if (stop) throw new Stopped()
      }
      const batchSize = deps.config.jobs.batchSize
      for (;;) await repairCounters(deps, ALL_COUNTERS, { batchSize, checkpoint })
    })().catch((error: unknown) => {
      if (!(error instanceof Stopped)) throw error
    })
    const during = await load(url, ROUND_SECONDS)
    stop = true
    await repairs
    busy.push(during.p99)
    rates[1]!.push(during.rps)
  }
  return {
    idle: median(idle),
    busy: median(busy),
    idleRps: median(rates[0]!),
    busyRps: median(rates[1]!),
    rounds: busy.map((p99, i) => `${idle[i]}/${p99}`).join(' '),
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!

const loadAverage = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')

async function bench(label: string, databaseUrl?: string, redisUrl?: string) {
  const { deps, close } = await openDeps(databaseUrl, redisUrl)
  try {
    const start = performance.now()
    await migrateToLatest(deps.db.write)
    await seedDemo(deps, { articles: ARTICLES })
    await grow(deps)
    console.log(`\n${label}: corpus ready in ${secs(performance.now() - start)}`)
    const rows = await rowsRead(deps)
    console.log(`rows read (estimated from table sizes): ${rows.toLocaleString('en')}`)

    console.log(`  load average before the runs: ${loadAverage()}`)
    await emptyCounters(deps)
    for (const [name, run] of [
      ['all counters empty (Redis lost)', await measure(deps, rows)],
      ['counters already right (nightly)', await measure(deps, rows)],
    ] as const) {
      console.log(
        `  ${name}: wall ${secs(run.wall)}, ${Math.round(run.rowsPerSecond).toLocaleString('en')} rows/s, ` +
          `peak RSS ${mib(run.peak)}, longest event-loop stall ${run.stall.toFixed(0)} ms, ` +
          `${run.changed.toLocaleString('en')} values written`,
      )
    }
    const perCounter: string[] = []
    for (const name of ALL_COUNTERS) {
      const run = await measure(deps, rows, [name])
      perCounter.push(`${name} ${secs(run.wall)} (stall ${run.stall.toFixed(0)} ms)`)
    }
    console.log(`  per counter (nightly): ${perCounter.join(', ')}`)
    console.log(`  load average after the runs: ${loadAverage()}`)

    const app = await buildApp(deps)
    await app.listen({ host: '127.0.0.1', port: 0 })
    const author = (
      await deps.db.read
        .selectFrom('user_basic')
        .select('user_id')
        .limit(1)
        .executeTakeFirstOrThrow()
    ).user_id
    const port = (app.server.address() as { port: number }).port
    const url = `http://127.0.0.1:${port}/v1_0/users/${toId(author)}`
    for (const [name, prepare] of [
      ['nightly (counters right)', async () => undefined],
      ['from empty counters', () => emptyCounters(deps)],
    ] as const) {
      const result = await alternate(deps, url, prepare)
      console.log(
        `  API GET /v1_0/users/:id p99, repair ${name}: ${result.busy} ms during (${Math.round(result.busyRps)} req/s) vs ` +
          `${result.idle} ms without (${Math.round(result.idleRps)} req/s): ${(result.busy / Math.max(result.idle, 1)).toFixed(2)}× ` +
          `(medians of ${ROUNDS} alternating ${ROUND_SECONDS} s rounds, without/during: ${result.rounds}; load average ${loadAverage()})`,
      )
    }
    await app.close()
  } finally {
    await close()
  }
}

console.log(
  `counter-repair bench: ${ARTICLES} articles, ${LIKES} likes, ${COMMENTS} comments, ` +
    `${os.cpus().length} CPUs (shared with other work: figures vary between runs)`,
)
const databaseUrl = process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL']
const redisUrl = process.env['BENCH_REDIS_URL'] ?? process.env['TEST_REDIS_URL']
if (process.env['BENCH_ONLY'] !== 'mysql') await bench('SQLite, counters in SQL')
if (databaseUrl && redisUrl) await bench('MariaDB + Redis', databaseUrl, redisUrl)
