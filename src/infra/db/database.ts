import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, MysqlDialect, SqliteDialect, type LogEvent, type SqliteDatabase } from 'kysely'
import { createPool, type PoolOptions } from 'mysql2'
import type { Logger } from 'pino'
import { boundedPool, type DatabaseTimeouts, type KyselyMysqlPool } from './mysql-timeouts.js'
import { recentWriters, type RecentWriters } from './recent-writers.js'
import { replicaPool } from './replica-pool.js'
import type { Database } from './schema.js'

/** Called after every executed query (metrics, tests counting queries). */
export type QueryObserver = (event: LogEvent) => void

/**
 * The primary and the read connection, which may go to replicas. Cache loaders read from the
 * primary: they run right after the write that invalidated the entry, and a lagging replica would
 * put the old row back for a whole TTL. Uncached reads (feeds, lists) use `read`, which goes to
 * the primary too for a write request and for its caller's requests in the window after it.
 */
export interface Databases {
  readonly write: Kysely<Database>
  readonly read: Kysely<Database>
  readonly dialect: 'sqlite' | 'mysql'
  /** Set when reads may go to replicas. */
  readonly replicas?: ReplicaRouting
  close(): Promise<void>
}

/** How reads are spread over the replicas. */
export interface ReplicaRouting {
  /** Scopes requests and remembers who wrote moments ago (their reads go to the primary). */
  readonly writers: RecentWriters
  /** Names (`host:port`) of the replicas out of rotation now. */
  readonly down: () => string[]
}

/** How often a replica out of rotation is tried again. */
const REPLICA_PROBE_MS = 1000

/** Opens SQLite in `dataDir` when `url` is unset, else a MySQL/MariaDB pool (+ replicas). */
export function openDatabases(options: {
  url: string | undefined
  replicaUrls: readonly string[]
  dataDir: string
  observe?: QueryObserver
  /** MySQL/MariaDB only: bounds on connecting, waiting for a pooled connection and each query. */
  timeouts?: DatabaseTimeouts
  /** Read-your-writes with replicas (default: only a write request's own reads use the primary). */
  writers?: RecentWriters
  /** Told when a replica leaves or rejoins the rotation. */
  log?: Pick<Logger, 'warn' | 'info'>
}): Databases {
  const timeouts = options.timeouts ?? { acquireMs: 0, queryMs: 0 }
  const pool = (raw: KyselyMysqlPool) => boundedPool(raw, timeouts)
  const log = options.observe
  if (options.url === undefined || options.url.startsWith('sqlite:')) {
    const file = sqliteFile(options.url, options.dataDir)
    const sqlite = new SQLite(file)
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('busy_timeout = 5000')
    sqlite.pragma('synchronous = NORMAL')
    // 64-bit ids must never pass through a JS number.
    sqlite.defaultSafeIntegers(true)
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
      log,
    })
    return { write: db, read: db, dialect: 'sqlite', close: () => db.destroy() }
  }
  const primary = pool(
    createPool(mysqlOptions(options.url, timeouts)) as unknown as KyselyMysqlPool,
  )
  const write = new Kysely<Database>({ dialect: new MysqlDialect({ pool: primary }), log })
  if (options.replicaUrls.length === 0) {
    return { write, read: write, dialect: 'mysql', close: () => write.destroy() }
  }
  const writers = options.writers ?? recentWriters({ windowMs: 0 })
  const replicas = replicaPool({
    replicas: options.replicaUrls.map((url) => ({
      name: hostOf(url),
      pool: pool(createPool(mysqlOptions(url, timeouts)) as unknown as KyselyMysqlPool),
    })),
    primary,
    readsFromPrimary: writers.readsFromPrimary,
    probeMs: REPLICA_PROBE_MS,
    onChange: (replica, error) =>
      error === null
        ? options.log?.info({ replica }, 'read replica back in rotation')
        : options.log?.warn(
            { replica, err: (error as Error).message },
            'read replica out of rotation; its reads go to the others or the primary',
          ),
  })
  const read = new Kysely<Database>({ dialect: new MysqlDialect({ pool: replicas }), log })
  return {
    write,
    read,
    dialect: 'mysql',
    replicas: { writers, down: replicas.down },
    close: async () => {
      await Promise.all([write.destroy(), read.destroy()])
    },
  }
}

const hostOf = (url: string) => {
  const { hostname, port } = new URL(url)
  return `${hostname}:${port || 3306}`
}

const STATEMENT_CACHE_SIZE = 500

/**
 * Kysely prepares every query anew; better-sqlite3 statements are reusable (calls are synchronous),
 * so the most recent ones are kept by SQL text.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>()
  const prepare = (source: string) => {
    let statement = statements.get(source)
    if (statement) {
      statements.delete(source)
    } else {
      statement = sqlite.prepare(source)
      if (statements.size >= STATEMENT_CACHE_SIZE) {
        statements.delete(statements.keys().next().value as string)
      }
    }
    statements.set(source, statement)
    return statement
  }
  return { prepare, close: () => void sqlite.close() }
}

function sqliteFile(url: string | undefined, dataDir: string): string {
  const file = url ? url.slice('sqlite:'.length).replace(/^\/\//, '') : 'headline.db'
  if (file === ':memory:') return file
  const resolved = path.resolve(dataDir, file)
  fs.mkdirSync(path.dirname(resolved), { recursive: true })
  return resolved
}

function mysqlOptions(url: string, timeouts: DatabaseTimeouts): PoolOptions {
  return {
    // A server that accepts TCP but never answers must not hold a request for mysql2's 10 s.
    ...(timeouts.acquireMs > 0 ? { connectTimeout: timeouts.acquireMs } : {}),
    uri: url.replace(/^mariadb:/, 'mysql:'),
    connectionLimit: 10,
    charset: 'utf8mb4',
    timezone: 'Z',
    // BIGINT as exact decimal strings and DATETIME as text: ids and times never drift.
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
  }
}
