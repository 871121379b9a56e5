import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import { createTokenService, type TokenService } from './features/auth/tokens.js'
import {
  createAdminTokenService,
  type AdminTokenService,
} from './features/mis/access/admin-tokens.js'
import { createCache, type Cache } from './infra/cache/cache.js'
import { openDatabases, type Databases, type QueryObserver } from './infra/db/database.js'
import { recentWriters } from './infra/db/recent-writers.js'
import { Snowflake } from './infra/ids/snowflake.js'
import { leaseWorkerId, type WorkerLease } from './infra/ids/worker-lease.js'
import { createMetrics, type Metrics } from './infra/metrics.js'
import {
  connectRedis,
  createRedis,
  onErrorOfDuplicates,
  quitRedis,
  type RedisClient,
} from './infra/redis/redis.js'
import { outboxSmsSender, type SmsSender } from './infra/sms/sms-sender.js'
import { tencentSmsSender } from './infra/sms/tencent-sms.js'
import { localStorage } from './infra/storage/local-storage.js'
import { defaultPublicUrl, parseS3Url } from './infra/storage/s3-location.js'
import { s3Storage } from './infra/storage/s3-storage.js'
import { DEFAULT_AVATAR_KEY, type FileStorage } from './infra/storage/file-storage.js'
import { redisActivity, sqlActivity, type ActivityStore } from './infra/store/activity.js'
import {
  mergeMissed,
  tolerantCounters,
  watchedCounters,
  type CounterStore,
  type MissedIncrements,
  type TolerantCounterStore,
} from './infra/store/counters.js'
import { redisCounters } from './infra/store/counters.redis.js'
import { sqlCounters } from './infra/store/counters.sql.js'
import type { SmsCodeStore } from './infra/store/sms-codes.js'
import type { SortedSetStore } from './infra/store/sorted-sets.js'
import { redisSortedSets } from './infra/store/sorted-sets.redis.js'
import { sqlSortedSets } from './infra/store/sorted-sets.sql.js'
import { writeBehind } from './infra/store/write-behind.js'
import { redisWriteBehind } from './infra/store/write-behind.redis.js'
import { localNotifications, type Notifications } from './infra/events/notifications.js'
import { fileTraceLog, type TraceLog } from './infra/events/trace-log.js'
import { createRecommender, recommenderReaction } from './reco/create-recommender.js'
import { articleEvents, type ArticleEvents } from './infra/events/article-events.js'
import type { Captcha } from './infra/captcha/captcha.js'
import { geetestFailback } from './infra/captcha/geetest-failback.js'
import { clusterArticleEvents } from './infra/events/article-events-bus.js'
import { articlesReaction } from './features/articles/articles.reactions.js'
import { searchReaction } from './features/search/search.indexing.js'
import { PROFILE_COUNTERS, forgetProfileCounts } from './features/users/index.js'
import type { Recommender } from './reco/recommender.js'
import { userSockets, type UserSockets } from './realtime/user-sockets.js'
import { approvedDocuments } from './features/search/search.repo.js'
import { EmbeddedSearchEngine } from './infra/search/embedded-engine.js'
import { ElasticsearchEngine } from './infra/search/elasticsearch-engine.js'
import type { SearchEngine } from './infra/search/search-engine.js'
import { transportForUrl } from './infra/search/search-transport.js'
import { redisSmsCodes } from './infra/store/sms-codes.redis.js'
import { sqlSmsCodes } from './infra/store/sms-codes.sql.js'
import type { RateCounterStore } from './infra/store/rate-counters.js'
import { redisRateCounters } from './infra/store/rate-counters.redis.js'
import { sqlRateCounters } from './infra/store/rate-counters.sql.js'

/** Everything the features use, built once from the configuration. */
export interface Deps {
  readonly config: Config
  readonly log: Logger
  readonly db: Databases
  /** Unset in embedded mode. */
  readonly redis: RedisClient | undefined
  readonly cache: Cache
  readonly counters: TolerantCounterStore
  readonly smsCodes: SmsCodeStore
  /** Rate-limit windows: Redis, or SQL when embedded. */
  readonly rateCounters: RateCounterStore
  readonly sortedSets: SortedSetStore
  /** Hourly reads, searches and active users: the source of the statistics rollups. */
  readonly activity: ActivityStore
  readonly notifications: Notifications
  readonly traceLog: TraceLog
  readonly storage: FileStorage
  readonly ids: Snowflake
  readonly sms: SmsSender
  readonly tokens: TokenService
  /** Administrator tokens of the admin API (same secret, `administrator_id` claim). */
  readonly adminTokens: AdminTokenService
  /** The mp login captcha (Geetest's offline mode). */
  readonly captcha: Captcha
  readonly metrics: Metrics
  readonly recommender: Recommender
  /** Disconnects a user's sockets on every node (user status changes). */
  readonly userSockets: UserSockets
  /** Article search and suggestions: in-process, or Elasticsearch / OpenSearch (SEARCH_URL). */
  readonly search: SearchEngine
  /** Committed article changes, announced by the article lifecycle; caches, index and feed react. */
  readonly articleEvents: ArticleEvents
  /** Writes what the stores hold in memory now (embedded: to SQLite; Redis: what this tick gathered). */
  flushWrites(): Promise<void>
  /** Closes connections in dependency order. */
  close(): Promise<void>
}

export interface DepsOptions {
  log: Logger
  /** Extra observer of executed SQL (tests count queries with it). */
  observeQuery?: QueryObserver
  /**
   * With Redis, lease the Snowflake worker id (WORKER_ID + worker index first) instead of trusting
   * the configuration: for processes that mint ids while others run (`serve`).
   */
  leaseWorkerId?: boolean
}

/** The one place that turns configuration into backends: unset URLs mean embedded ones. */
export async function createDeps(config: Config, options: DepsOptions): Promise<Deps> {
  const { log } = options
  const metrics = createMetrics()
  let redis: RedisClient | undefined
  let busRedis: RedisClient | undefined
  if (config.redisUrl) {
    busRedis = createRedis(config.redisUrl, config.redisPrefix, true)
    busRedis.on('error', () => undefined)
    onErrorOfDuplicates(busRedis, (error) => log.debug({ err: error.message }, 'redis bus error'))
    redis = createRedis(config.redisUrl, config.redisPrefix)
    redis.on('error', (error: Error) => log.warn({ err: error.message }, 'redis error'))
    if (!(await connectRedis(redis))) log.warn('redis unreachable at start; retrying in background')
  }
  const db = openDatabases({
    url: config.databaseUrl,
    replicaUrls: config.databaseReplicaUrls,
    dataDir: config.dataDir,
    writers: recentWriters({ windowMs: config.databaseReadYourWritesMs, redis }),
    log,
    timeouts: {
      acquireMs: config.databaseConnectTimeoutMs,
      queryMs: config.databaseQueryTimeoutMs,
    },
    observe: (event) => {
      metrics.dbQueries.observe({ outcome: event.level }, event.queryDurationMillis / 1000)
      options.observeQuery?.(event)
    },
  })
  const ids = new Snowflake(config.datacenterId, config.workerId)
  let lease: WorkerLease | undefined
  if (redis && options.leaseWorkerId) {
    const preferred = (config.workerId + config.workerIndex) % 32
    lease = await leaseWorkerId(redis, ids, { preferred, log })
  }
  const jwtSecret = resolveJwtSecret(config, log)
  const traceLog = fileTraceLog(path.join(config.dataDir, 'logs'))
  const cache = createCache({
    enabled: config.cacheEnabled,
    redis,
    busRedis,
    prefix: 'cache',
    metrics,
    log,
  })
  const stores = persistentStores(db.write, redis, log, config.writeBehindMs, cache)
  const core = {
    config,
    log,
    db,
    redis,
    cache,
    counters: appCounters(stores, cache, log),
    smsCodes: redis ? redisSmsCodes(redis) : sqlSmsCodes(db.write),
    rateCounters: redis ? redisRateCounters(redis) : sqlRateCounters(db.write),
    sortedSets: stores.sortedSets,
    activity: stores.activity,
    notifications: localNotifications(),
    traceLog,
    storage: await createStorage(config, log),
    ids,
    sms: config.sms
      ? tencentSmsSender(config.sms, log)
      : outboxSmsSender(path.join(config.dataDir, 'sms-outbox.txt'), log),
    tokens: createTokenService(jwtSecret),
    adminTokens: createAdminTokenService(jwtSecret),
    captcha: geetestFailback(jwtSecret),
    metrics,
    search: createSearch(config, db, log),
  }
  const recommender = createRecommender(core)
  const localEvents = articleEvents(log)
  const cluster =
    redis && busRedis
      ? clusterArticleEvents(
          localEvents,
          redis,
          busRedis,
          `${config.redisPrefix}headline:article-changes`,
          log,
        )
      : undefined
  const events = cluster ?? localEvents
  const sockets = userSockets(config, log)
  const deps: Deps = {
    ...core,
    recommender,
    articleEvents: events,
    userSockets: sockets,
    flushWrites: () => stores.flush(),
    async close() {
      // First: the cache's close quits the shared Redis connection.
      await lease?.release()
      await cluster?.close().catch(() => undefined)
      await sockets.close().catch(() => undefined)
      await recommender.close?.().catch(() => undefined)
      await core.search.close().catch(() => undefined)
      // Before the cache's close quits Redis: what is written behind goes first.
      await stores.close()
      await cache.close().catch(() => undefined)
      if (redis) await quitRedis(redis)
      // Only a template for the bus's own connections: never connected, nothing to quit.
      busRedis?.disconnect()
      core.storage.close?.()
      await db.close()
      traceLog.close()
    },
  }
  events.subscribe('articles', articlesReaction(deps))
  events.subscribe('search', searchReaction(deps))
  events.subscribe('recommender', recommenderReaction(recommender))
  return deps
}

// Every storage holds the original's default avatar key.
async function createStorage(config: Config, log: Logger): Promise<FileStorage> {
  const preset = {
    [DEFAULT_AVATAR_KEY]: fileURLToPath(new URL('../assets/default-avatar.png', import.meta.url)),
  }
  if (!config.storageUrl)
    return localStorage(path.join(config.dataDir, 'uploads'), config.publicUrl, preset)
  const location = parseS3Url(config.storageUrl)
  const publicUrl = config.storagePublicUrl ?? defaultPublicUrl(location)
  return s3Storage({ location, publicUrl, preset, log })
}

// Both fill themselves from the database in the background (Elasticsearch: new indexes only).
function createSearch(config: Config, db: Databases, log: Logger): SearchEngine {
  const load = () => approvedDocuments(db.read)
  if (config.searchUrl)
    return new ElasticsearchEngine(transportForUrl(config.searchUrl), { log, load })
  return new EmbeddedSearchEngine({ load, log })
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

// Deleted (on every node, through the cache's bus) when a count changes.
const COUNTS_CHANGED = 'counts:changed'

/** The persistent stores: Redis, or SQL with the per-request writes written behind. */
function persistentStores(
  db: Databases['write'],
  redis: RedisClient | undefined,
  log: Logger,
  flushMs: number,
  cache: Cache,
) {
  if (redis) {
    const store = redisCounters(redis)
    // Read counts leave at the flush through their own tolerant store: refused ones are
    // remembered for the repair, as when they were written at once.
    const sink = tolerantCounters(store, log)
    const stores = {
      counters: store,
      sortedSets: redisSortedSets(redis),
      activity: redisActivity(redis, log),
    }
    // Counts held a second on every node; a change anywhere reaches them as a cache delete.
    const behind = redisWriteBehind(redis, stores, log, {
      version: () => cache.version(),
      announce: () => cache.delete(COUNTS_CHANGED),
      add: (name, id, by) => sink.add(name, id, by),
    })
    return { ...behind, takeMissed: () => sink.takeMissed() }
  }
  const stores = {
    counters: sqlCounters(db),
    sortedSets: sqlSortedSets(db),
    activity: sqlActivity(db, log),
  }
  const behind = writeBehind(db, stores, log, { flushMs })
  return { ...behind, takeMissed: (): MissedIncrements => new Map() }
}

/**
 * The counters the app uses: tolerant of a store that is down, and a profile's held counts go on
 * every node as soon as one of them is written (the repair's writes included).
 */
function appCounters(
  stores: ReturnType<typeof persistentStores>,
  cache: Cache,
  log: Logger,
): TolerantCounterStore {
  const watch = (store: CounterStore) =>
    watchedCounters(store, PROFILE_COUNTERS, (id) => forgetProfileCounts(cache, id))
  const counters = tolerantCounters(watch(stores.counters), log)
  return {
    ...counters,
    raw: watch(stores.storedCounters),
    takeMissed: () => mergeMissed(counters.takeMissed(), stores.takeMissed()),
  }
}
