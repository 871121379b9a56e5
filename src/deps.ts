import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import { createTokenService, type TokenService } from './features/auth/tokens.js'
import { createCache, type Cache } from './infra/cache/cache.js'
import { openDatabases, type Databases, type QueryObserver } from './infra/db/database.js'
import { Snowflake } from './infra/ids/snowflake.js'
import { createMetrics, type Metrics } from './infra/metrics.js'
import { connectRedis, createRedis, type RedisClient } from './infra/redis/redis.js'
import { logSmsSender, type SmsSender } from './infra/sms/sms-sender.js'
import { localStorage } from './infra/storage/local-storage.js'
import type { FileStorage } from './infra/storage/file-storage.js'
import { tolerantCounters, type CounterStore } from './infra/store/counters.js'
import { redisCounters } from './infra/store/counters.redis.js'
import { sqlCounters } from './infra/store/counters.sql.js'
import type { SmsCodeStore } from './infra/store/sms-codes.js'
import { redisSmsCodes } from './infra/store/sms-codes.redis.js'
import { sqlSmsCodes } from './infra/store/sms-codes.sql.js'

/** Everything the features use, built once from the configuration. */
export interface Deps {
  readonly config: Config
  readonly log: Logger
  readonly db: Databases
  /** Unset in embedded mode. */
  readonly redis: RedisClient | undefined
  readonly cache: Cache
  readonly counters: CounterStore
  readonly smsCodes: SmsCodeStore
  readonly storage: FileStorage
  readonly ids: Snowflake
  readonly sms: SmsSender
  readonly tokens: TokenService
  readonly metrics: Metrics
  /** Closes connections in dependency order. */
  close(): Promise<void>
}

export interface DepsOptions {
  log: Logger
  /** Extra observer of executed SQL (tests count queries with it). */
  observeQuery?: QueryObserver
}

/** The one place that turns configuration into backends: unset URLs mean embedded ones. */
export async function createDeps(config: Config, options: DepsOptions): Promise<Deps> {
  const { log } = options
  const metrics = createMetrics()
  const db = openDatabases({
    url: config.databaseUrl,
    replicaUrls: config.databaseReplicaUrls,
    dataDir: config.dataDir,
    observe: (event) => {
      metrics.dbQueries.observe({ outcome: event.level }, event.queryDurationMillis / 1000)
      options.observeQuery?.(event)
    },
  })
  let redis: RedisClient | undefined
  let busRedis: RedisClient | undefined
  if (config.redisUrl) {
    busRedis = createRedis(config.redisUrl, config.redisPrefix, true)
    busRedis.on('error', () => undefined)
    redis = createRedis(config.redisUrl, config.redisPrefix)
    redis.on('error', (error: Error) => log.warn({ err: error.message }, 'redis error'))
    if (!(await connectRedis(redis))) log.warn('redis unreachable at start; retrying in background')
  }
  const cache = createCache({
    enabled: config.cacheEnabled,
    redis,
    busRedis,
    prefix: 'cache',
    metrics,
    log,
  })
  return {
    config,
    log,
    db,
    redis,
    cache,
    counters: tolerantCounters(redis ? redisCounters(redis) : sqlCounters(db.write), log),
    smsCodes: redis ? redisSmsCodes(redis) : sqlSmsCodes(db.write),
    storage: localStorage(path.join(config.dataDir, 'uploads'), config.publicUrl),
    ids: new Snowflake(config.datacenterId, config.workerId),
    sms: logSmsSender(log),
    tokens: createTokenService(resolveJwtSecret(config, log)),
    metrics,
    async close() {
      await cache.close().catch(() => undefined)
      for (const client of [redis, busRedis]) await client?.quit().catch(() => client.disconnect())
      await db.close()
    },
  }
}

// Embedded mode keeps a generated secret beside the data, so tokens survive restarts.
function resolveJwtSecret(config: Config, log: Logger): string {
  if (config.jwtSecret) return config.jwtSecret
  const file = path.join(config.dataDir, 'jwt-secret')
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim()
  fs.mkdirSync(config.dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  fs.writeFileSync(file, secret, { mode: 0o600 })
  log.info({ file }, 'generated a JWT secret')
  return secret
}
