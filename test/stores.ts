import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import type { Kysely } from 'kysely'
import { createConnection } from 'mysql2/promise'
import { openDatabases } from '../src/infra/db/database.js'
import { migrateToLatest } from '../src/infra/db/migrate.js'
import type { Database } from '../src/infra/db/schema.js'
import {
  connectRedis,
  createRedis,
  deleteKeysUnder,
  type RedisClient,
} from '../src/infra/redis/redis.js'
import { TEST_DATABASE_URL, TEST_REDIS_URL, uniqueTag } from './env.js'

/** A migrated, empty database of its own, dropped by `close`. */
export interface TestDatabase {
  db: Kysely<Database>
  close(): Promise<void>
}

/** A fresh SQLite file, or a fresh MariaDB database on TEST_DATABASE_URL with `dialect: 'mysql'`. */
export async function openTestDatabase(dialect: 'sqlite' | 'mysql'): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-store-'))
  let url: string | undefined
  let name: string | undefined
  if (dialect === 'mysql') {
    if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set')
    name = `headline_test_${uniqueTag()}`
    const admin = await createConnection(TEST_DATABASE_URL)
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`)
    await admin.end()
    const parsed = new URL(TEST_DATABASE_URL)
    parsed.pathname = `/${name}`
    url = parsed.toString()
  }
  const databases = openDatabases({ url, replicaUrls: [], dataDir })
  await migrateToLatest(databases.write)
  return {
    db: databases.write,
    async close() {
      await databases.close()
      if (name && TEST_DATABASE_URL) {
        const admin = await createConnection(TEST_DATABASE_URL)
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``)
        await admin.end()
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A connected client on TEST_REDIS_URL under a key prefix of its own, whose keys `close` drops. */
export interface TestRedis {
  /** The client the stores use (prefixed, like the app's). */
  redis: RedisClient
  /** A plain client with the same prefix, for looking at the stored keys directly. */
  raw: Redis
  prefix: string
  close(): Promise<void>
}

export async function openTestRedis(): Promise<TestRedis> {
  if (!TEST_REDIS_URL) throw new Error('TEST_REDIS_URL is not set')
  const prefix = `test:${uniqueTag()}:`
  const redis = createRedis(TEST_REDIS_URL, prefix)
  if (!(await connectRedis(redis))) throw new Error(`Redis unreachable at ${TEST_REDIS_URL}`)
  const raw = new Redis(TEST_REDIS_URL, { keyPrefix: prefix })
  return {
    redis,
    raw,
    prefix,
    async close() {
      await deleteKeysUnder(raw, prefix)
      raw.disconnect()
      redis.disconnect()
    },
  }
}
