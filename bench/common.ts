/**
 * Set-up the HTTP benches share: the seeded app (in this process or as a `serve` child), bench
 * databases on MariaDB, logging in, the autocannon load in a worker thread, medians and profiles.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Session } from 'node:inspector/promises'
import autocannon from 'autocannon'
import { parse } from 'lossless-json'
import { createConnection } from 'mysql2/promise'
import { pino } from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createDeps } from '../src/deps.js'
import { migrateToLatest } from '../src/infra/db/migrate.js'
import { deleteKeysUnder } from '../src/infra/redis/redis.js'
import { seedDemo } from '../src/seed/demo.js'

/** The SMS code every bench app accepts, and the demo's first account. */
export const SMS_CODE = '246810'
export const MOBILE = '13911111111'

/** A listening server the bench loads. */
export interface Server {
  url: string
  close(): Promise<void>
}

/** MariaDB + Redis for the `real` backend; null for the embedded one. */
export type RealBackend = { databaseUrl: string; redisUrl: string } | null

/** One autocannon round. */
export interface Round {
  rps: number
  p99: number
  bytes: number
  requests: number
}

/** `process.env[name]` as a positive integer, or `fallback`. */
export function positiveInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}

/** Connections autocannon keeps open (BENCH_CONNECTIONS). */
export const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 16)

/** The backend chosen by TEST_DATABASE_URL and TEST_REDIS_URL for the `real` runs. */
export function realBackend(): NonNullable<RealBackend> | null {
  const databaseUrl = process.env['TEST_DATABASE_URL']
  const redisUrl = process.env['TEST_REDIS_URL']
  return databaseUrl && redisUrl ? { databaseUrl, redisUrl } : null
}

/** A fresh MariaDB database on `adminUrl`, dropped by the returned function. */
export async function createDatabase(adminUrl: string): Promise<[string, () => Promise<void>]> {
  const name = `headline_bench_${process.pid}_${Date.now()}`
  const admin = await createConnection(adminUrl)
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const drop = async () => {
    const connection = await createConnection(adminUrl)
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``)
    await connection.end()
  }
  return [url.toString(), drop]
}

/** The real app (logs off) in its own temp DATA_DIR, seeded with the demo, on a free port. */
export async function startApp(real: RealBackend, options: { articles: number }): Promise<Server> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-bench-'))
  const redisPrefix = `bench:${process.pid}:${Date.now()}:`
  const [databaseUrl, dropDatabase] = real ? await createDatabase(real.databaseUrl) : [undefined]
  const config = loadConfig({
    DATA_DIR: dataDir,
    SMS_TEST_CODE: SMS_CODE,
    LOG_LEVEL: 'silent',
    REDIS_PREFIX: redisPrefix,
    ...(real && databaseUrl ? { DATABASE_URL: databaseUrl, REDIS_URL: real.redisUrl } : {}),
  })
  const deps = await createDeps(config, { log: pino({ level: 'silent' }) })
  await migrateToLatest(deps.db.write)
  await seedDemo(deps, { articles: options.articles })
  const app = await buildApp(deps)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    url,
    async close() {
      await app.close()
      if (deps.redis) await deleteKeysUnder(deps.redis, redisPrefix)
      await deps.close()
      await dropDatabase?.()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

const SEED_SOURCES = ['../src/seed', '../src/infra/db/migrations'].map((dir) =>
  fileURLToPath(new URL(dir, import.meta.url)),
)

/**
 * The demo seeded with `articles` into an SQLite DATA_DIR under the system temp folder, kept
 * between runs: its name holds a hash of the seed's and the migrations' sources, so a change to
 * either seeds anew. `seed` writes it (the caller runs `headline seed`); returns the directory.
 */
export async function cachedSeedDir(
  articles: number,
  seed: (dataDir: string) => Promise<void>,
): Promise<string> {
  const hash = createHash('sha256')
  for (const dir of SEED_SOURCES) {
    for (const name of fs.readdirSync(dir).sort()) {
      hash.update(name).update(fs.readFileSync(path.join(dir, name)))
    }
  }
  const version = hash.digest('hex').slice(0, 12)
  const dir = path.join(os.tmpdir(), `headline-bench-seed-${articles}-${version}`)
  if (fs.existsSync(path.join(dir, 'seeded'))) return dir
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  await seed(dir)
  fs.writeFileSync(path.join(dir, 'seeded'), new Date().toISOString())
  return dir
}

export async function fetchOk(url: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, init)
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`)
  return response
}

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  // lossless-json keeps the 64-bit ids exact (JSON.parse would round them).
  return (parse(await (await fetchOk(url, init)).text()) as { data: T }).data
}

/** A token of `mobile` (the SMS test code logs anyone in). */
export async function loginToken(server: Server, mobile = MOBILE): Promise<string> {
  const data = await fetchJson<{ token: string }>(`${server.url}/v1_0/authorizations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mobile, code: SMS_CODE }),
  })
  return data.token
}

/** One autocannon round of `seconds` (BENCH_CONNECTIONS connections) in a worker thread. */
export async function load(
  url: string,
  options: { headers?: Record<string, string>; setupRequest?: string; rate?: number },
  seconds: number,
): Promise<Round> {
  const result = await autocannon({
    url,
    headers: options.headers ?? {},
    connections: CONNECTIONS,
    duration: seconds,
    workers: 1,
    ...(options.setupRequest ? { requests: [{ setupRequest: options.setupRequest }] } : {}),
    ...(options.rate ? { overallRate: options.rate } : {}),
  } as autocannon.Options)
  const failed = result.errors + result.timeouts + result.non2xx
  if (failed > 0) throw new Error(`${url}: ${failed} failed requests of ${result.requests.total}`)
  return {
    rps: result.requests.total / seconds,
    p99: result.latency.p99,
    bytes: result.throughput.total / Math.max(1, result.requests.total),
    requests: result.requests.total,
  }
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

export const fmt = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

/** The machine's load averages, for the figures' header and footer. */
export const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')

/** Runs `during` under the V8 CPU profiler (this thread: the servers') into `file`. */
export async function profiled(file: string, during: () => Promise<unknown>) {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.start')
  try {
    await during()
  } finally {
    const { profile } = await session.post('Profiler.stop')
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, JSON.stringify(profile))
    session.disconnect()
  }
}
