import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { createConnection } from 'mysql2/promise'
import { pino } from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createDeps, type Deps } from '../src/deps.js'
import { migrateToLatest } from '../src/infra/db/migrate.js'
import { deleteKeysUnder } from '../src/infra/redis/redis.js'
import { seedDemo } from '../src/seed/demo.js'
import { TEST_DATABASE_URL, TEST_REDIS_URL, uniqueTag } from './env.js'

/** The SMS code every test logs in with. */
export const TEST_SMS_CODE = '246810'

export interface TestAppOptions {
  /** Use Redis at this URL (default: TEST_REDIS_URL when set; `false` forces none). */
  redisUrl?: string | false
  /** An empty MySQL/MariaDB database to use instead of a fresh one (dropped by `close`). */
  databaseUrl?: string
  /** Share the database (and Redis prefix) of an earlier test app: a second node of one cluster. */
  shareWith?: TestApp
  /** Extra environment for loadConfig (it wins, e.g. a DATABASE_URL through a proxy). */
  env?: Record<string, string>
  /** Where the app's log lines go (default: stdout). */
  logStream?: { write(line: string): void }
}

export interface TestApp {
  app: FastifyInstance
  deps: Deps
  /** Every SQL statement run so far, in order. */
  queries: string[]
  databaseUrl: string | undefined
  dataDir: string
  redisPrefix: string
  close(): Promise<void>
}

let extraNodes = 0

/**
 * A fully built app on its own database (a fresh SQLite file, or a fresh MariaDB database when
 * TEST_DATABASE_URL is set) and its own Redis key prefix, migrated and seeded with the demo data.
 */
export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const shared = options.shareWith
  const dataDir = shared?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'headline-test-'))
  const databaseUrl = shared
    ? shared.databaseUrl
    : (options.databaseUrl ?? (await createTestDatabase()))
  const redisUrl = options.redisUrl === false ? undefined : (options.redisUrl ?? TEST_REDIS_URL)
  const redisPrefix = shared?.redisPrefix ?? `test:${uniqueTag()}:`
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    SMS_TEST_CODE: TEST_SMS_CODE,
    JWT_SECRET: 'test-secret-with-enough-length',
    PUBLIC_URL: 'http://headline.test/',
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'silent',
    // Each node of a cluster has its own Snowflake worker, or two nodes could mint the same id.
    ...(shared ? { WORKER_ID: String(++extraNodes % 32) } : {}),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...options.env,
  }
  const config = loadConfig(env)
  const queries: string[] = []
  const log = options.logStream
    ? pino({ level: config.logLevel }, options.logStream)
    : pino({ level: config.logLevel })
  const deps = await createDeps(config, {
    log,
    observeQuery: (event) => queries.push(event.query.sql),
  })
  if (!shared) {
    await migrateToLatest(deps.db.write)
    await seedDemo(deps)
  }
  const app = await buildApp(deps)
  await app.ready()
  return {
    app,
    deps,
    queries,
    databaseUrl,
    dataDir,
    redisPrefix,
    async close() {
      await app.close()
      if (deps.redis && !shared) await deleteKeysUnder(deps.redis, redisPrefix)
      await deps.close()
      if (!shared) {
        if (databaseUrl) await dropTestDatabase(databaseUrl)
        fs.rmSync(dataDir, { recursive: true, force: true })
      }
    },
  }
}

async function createTestDatabase(): Promise<string | undefined> {
  if (!TEST_DATABASE_URL) return undefined
  const name = `headline_test_${uniqueTag()}`
  const connection = await createConnection(TEST_DATABASE_URL)
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`)
  await connection.end()
  const url = new URL(TEST_DATABASE_URL)
  url.pathname = `/${name}`
  return url.toString()
}

async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl)
  const name = url.pathname.slice(1)
  url.pathname = '/'
  const connection = await createConnection(url.toString())
  await connection.query(`DROP DATABASE IF EXISTS \`${name}\``)
  await connection.end()
}
