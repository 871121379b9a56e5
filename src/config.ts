import os from 'node:os'
import path from 'node:path'
import { Cron } from 'croner'
import { cronVariable, JOB_NAMES, JOB_SCHEDULES, type JobName } from './jobs/names.js'
import { parseSmsUrl, type TencentSmsSettings } from './infra/sms/sms-url.js'
import { parseS3Url } from './infra/storage/s3-location.js'

/** Typed, frozen configuration read once from the environment. */
export interface Config {
  readonly env: 'development' | 'production' | 'test'
  readonly host: string
  readonly port: number
  readonly dataDir: string
  /** Unset: embedded SQLite file in `dataDir`. */
  readonly databaseUrl: string | undefined
  readonly databaseReplicaUrls: readonly string[]
  /** MySQL/MariaDB: longest wait for a pooled or new connection, ms (0: no bound). */
  readonly databaseConnectTimeoutMs: number
  /** MySQL/MariaDB: longest query, ms (0: no bound; schema changes are never bounded). */
  readonly databaseQueryTimeoutMs: number
  /** With replicas: how long a caller's reads go to the primary after its write, ms (0: off). */
  readonly databaseReadYourWritesMs: number
  /** Unset: no Redis; L1 cache only and persistent data in SQL. */
  readonly redisUrl: string | undefined
  /** Prefix for every Redis key this process writes (empty in production to keep the original keys). */
  readonly redisPrefix: string
  /** Base URL that stored file keys are appended to. */
  readonly publicUrl: string
  /** Unset outside production: generated once and kept in `dataDir`. */
  readonly jwtSecret: string | undefined
  readonly smsTestCode: string | undefined
  /** SMS_URL: the real SMS provider (required in production); unset: codes go to an outbox file. */
  readonly sms: TencentSmsSettings | undefined
  readonly logLevel: string
  readonly datacenterId: number
  readonly workerId: number
  /** HTTP worker processes of `serve` (node:cluster); 1 runs the API in the main process. */
  readonly workers: number
  /** This process's place among the workers (0 outside cluster mode); set by the primary. */
  readonly workerIndex: number
  /** `false` turns the cache off (benchmarks compare with it). */
  readonly cacheEnabled: boolean
  /** Embedded: how long read counts, reading history and activity wait in memory at most. */
  readonly writeBehindMs: number
  readonly uploadMaxBytes: number
  readonly trustProxy: boolean
  /**
   * Unset: the in-process search index. Else comma-separated nodes of Elasticsearch
   * (`http(s)://…`) or OpenSearch (`opensearch+http(s)://…`); credentials may be in the URL.
   */
  readonly searchUrl: string | undefined
  /** Unset: the recommender runs in process. `host:port` or `grpc://host:port` of `headline reco`. */
  readonly recoGrpcUrl: string | undefined
  /** Port `headline reco` serves gRPC on. */
  readonly recoPort: number
  /** How long the feed waits for the gRPC recommender before serving newest-first. */
  readonly recoDeadlineMs: number
  /** `serve` hosts the Socket.IO server too; `false` when `headline im` processes host it. */
  readonly realtimeAttach: boolean
  /** Unset: files on local disk under `dataDir/uploads`. Else `s3://<bucket>?endpoint=…&region=…`. */
  readonly storageUrl: string | undefined
  /** Base URL of stored files with S3 (a CDN or the bucket's public address); default: the bucket's. */
  readonly storagePublicUrl: string | undefined
  /** Built admin console served at `/admin` (default: the package's `console/dist`). */
  readonly consoleDir: string
  readonly jobs: JobsConfig
  /** Browser origins allowed by CORS (`scheme://host[:port]`), or `*` for any (no credentials). */
  readonly corsOrigins: '*' | readonly string[]
}

/** The scheduler's settings. */
export interface JobsConfig {
  /** `serve` runs the scheduled jobs (default: only without Redis; `headline jobs` always does). */
  readonly inServe: boolean
  /** IANA time zone of the cron patterns and of the statistics' days. */
  readonly timezone: string
  /** Cron pattern per job; null when switched off. */
  readonly schedules: Readonly<Record<JobName, string | null>>
  /** Lease of a run's Redis lock; renewed at a third of it while the job runs. */
  readonly lockTtlMs: number
  /** Ids per batch of the counter repair. */
  readonly batchSize: number
  /** How often each node checks Redis for a loss of its data or the end of an outage. */
  readonly redisWatchMs: number
  /** Trace-log files older than this many days are deleted by `purge`. */
  readonly traceLogRetentionDays: number
}

type Env = Record<string, string | undefined>

/** Thrown when the environment has bad values; lists every one of them. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
  }
}

/** Parses the environment into a Config, or throws ConfigError naming each bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = []
  const text = (name: string) => {
    const value = env[name]?.trim()
    return value === undefined || value === '' ? undefined : value
  }
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = text(name)
    if (raw === undefined) return fallback
    const value = Number(raw)
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`)
      return fallback
    }
    return value
  }
  const flag = (name: string, fallback: boolean) => {
    const raw = text(name)?.toLowerCase()
    if (raw === undefined) return fallback
    if (['1', 'true', 'on', 'yes'].includes(raw)) return true
    if (['0', 'false', 'off', 'no'].includes(raw)) return false
    problems.push(`${name} must be true or false, got "${raw}"`)
    return fallback
  }
  const url = (name: string, schemes: string[]) => {
    const raw = text(name)
    if (raw === undefined) return undefined
    if (!isUrlWithScheme(raw, schemes)) {
      problems.push(`${name} must be a URL starting with ${schemes.join(' or ')}, got "${raw}"`)
    }
    return raw
  }

  const nodeEnv = text('NODE_ENV') ?? 'development'
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be development, production or test, got "${nodeEnv}"`)
  }
  const port = int('PORT', 8000, 0, 65535)
  const databaseUrl = url('DATABASE_URL', ['mysql:', 'mariadb:', 'sqlite:'])
  const replicas = (text('DATABASE_REPLICA_URLS') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  for (const replica of replicas) {
    if (!isUrlWithScheme(replica, ['mysql:', 'mariadb:'])) {
      problems.push(`DATABASE_REPLICA_URLS entries must be mysql:// URLs, got "${replica}"`)
    }
  }
  const redisUrl = url('REDIS_URL', ['redis:', 'rediss:', 'redis+sentinel:', 'redis+cluster:'])
  const jwtSecret = text('JWT_SECRET')
  if (nodeEnv === 'production' && jwtSecret === undefined) {
    problems.push('JWT_SECRET is required when NODE_ENV=production')
  }
  if (jwtSecret !== undefined && jwtSecret.length < 16) {
    problems.push('JWT_SECRET must be at least 16 characters long')
  }
  const smsTestCode = text('SMS_TEST_CODE')
  if (smsTestCode !== undefined && !/^\d{6}$/.test(smsTestCode)) {
    problems.push(`SMS_TEST_CODE must be six digits, got "${smsTestCode}"`)
  }
  if (smsTestCode !== undefined && nodeEnv === 'production') {
    problems.push('SMS_TEST_CODE must not be set when NODE_ENV=production (it logs in any account)')
  }
  const smsUrl = text('SMS_URL')
  const sms = smsUrl === undefined ? undefined : parseSmsUrl(smsUrl, problems)
  if (smsUrl === undefined && nodeEnv === 'production') {
    problems.push('SMS_URL is required when NODE_ENV=production (login codes must really be sent)')
  }
  const logLevel = text('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info')
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`)
  }
  const host = text('HOST') ?? '0.0.0.0'
  const workers = workerCount(text('WORKERS'), problems)
  if (workers > 1 && redisUrl === undefined) {
    problems.push(
      `WORKERS=${workers} needs REDIS_URL: without Redis each worker would keep its own cache, ` +
        'rate limits and socket rooms (stale reads after writes, pushes lost between workers). ' +
        'Run one worker, or set REDIS_URL.',
    )
  }
  const publicUrl = url('PUBLIC_URL', ['http:', 'https:']) ?? `http://127.0.0.1:${port}/`

  const config: Config = {
    env: nodeEnv as Config['env'],
    host,
    port,
    dataDir: path.resolve(text('DATA_DIR') ?? './data'),
    databaseUrl,
    databaseReplicaUrls: Object.freeze(replicas),
    databaseConnectTimeoutMs: int('DATABASE_CONNECT_TIMEOUT_MS', 2000, 0, 600_000),
    databaseQueryTimeoutMs: int('DATABASE_QUERY_TIMEOUT_MS', 5000, 0, 3_600_000),
    databaseReadYourWritesMs: int('DATABASE_READ_YOUR_WRITES_MS', 3000, 0, 600_000),
    redisUrl,
    redisPrefix: text('REDIS_PREFIX') ?? '',
    publicUrl: publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`,
    jwtSecret,
    smsTestCode,
    sms,
    logLevel,
    datacenterId: int('DATACENTER_ID', 0, 0, 31),
    workerId: int('WORKER_ID', 0, 0, 31),
    workers,
    workerIndex: int('HEADLINE_WORKER_INDEX', 0, 0, 31),
    cacheEnabled: flag('CACHE_ENABLED', true),
    writeBehindMs: int('WRITE_BEHIND_MS', 200, 10, 3_600_000),
    uploadMaxBytes: int('UPLOAD_MAX_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    trustProxy: flag('TRUST_PROXY', false),
    searchUrl: searchUrl(text('SEARCH_URL'), problems),
    recoGrpcUrl: recoUrl(text('RECO_GRPC_URL'), problems),
    recoPort: int('RECO_PORT', 8888, 0, 65535),
    recoDeadlineMs: int('RECO_DEADLINE_MS', 300, 10, 60_000),
    realtimeAttach: flag('REALTIME_ATTACH', true),
    storageUrl: storageUrl(text('STORAGE_URL'), problems),
    storagePublicUrl: slashed(url('STORAGE_PUBLIC_URL', ['http:', 'https:'])),
    consoleDir: path.resolve(
      text('CONSOLE_DIR') ?? path.join(import.meta.dirname, '..', 'console', 'dist'),
    ),
    jobs: {
      inServe: flag('JOBS', redisUrl === undefined),
      timezone: jobsTimezone(text('JOBS_TIMEZONE') ?? 'Asia/Shanghai', problems),
      schedules: jobSchedules(text, problems),
      lockTtlMs: int('JOBS_LOCK_TTL_MS', 30_000, 1000, 3_600_000),
      batchSize: int('JOBS_BATCH_SIZE', 250, 10, 100_000),
      redisWatchMs: int('JOBS_REDIS_WATCH_MS', 10_000, 50, 600_000),
      traceLogRetentionDays: int('TRACE_LOG_RETENTION_DAYS', 14, 1, 3650),
    },
    corsOrigins: corsOrigins(text('CORS_ORIGINS'), problems),
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze(config)
}

// `auto`: one worker per core; 32 at most, the Snowflake worker ids of one datacenter.
function workerCount(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return 1
  const count = raw.toLowerCase() === 'auto' ? Math.min(os.availableParallelism(), 32) : Number(raw)
  if (!Number.isInteger(count) || count < 1 || count > 32) {
    problems.push(`WORKERS must be auto or an integer from 1 to 32, got "${raw}"`)
    return 1
  }
  return count
}

function jobsTimezone(zone: string, problems: string[]): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
  } catch {
    problems.push(`JOBS_TIMEZONE must be an IANA time zone such as Asia/Shanghai, got "${zone}"`)
  }
  return zone
}

// JOBS_<NAME>_CRON=off switches a job off; any other value must be a cron pattern.
function jobSchedules(text: (name: string) => string | undefined, problems: string[]) {
  const schedules = {} as Record<JobName, string | null>
  for (const name of JOB_NAMES) {
    const variable = cronVariable(name)
    const raw = text(variable) ?? JOB_SCHEDULES[name]
    schedules[name] = raw.toLowerCase() === 'off' ? null : raw
    if (schedules[name] === null) continue
    try {
      new Cron(raw, { paused: true }).stop()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      problems.push(
        `${variable} must be "off" or a cron pattern such as "0 3 * * *", got "${raw}" (${reason})`,
      )
    }
  }
  return Object.freeze(schedules)
}
function storageUrl(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined
  try {
    parseS3Url(raw)
  } catch (error) {
    problems.push((error as Error).message)
  }
  return raw
}

const slashed = (raw: string | undefined) =>
  raw === undefined || raw.endsWith('/') ? raw : `${raw}/`

// The original dialled a bare `host:port`; `grpc://host:port` reads better in a URL variable.
function recoUrl(raw: string | undefined, problems: string[]): string | undefined {
  if (raw !== undefined && !/^(grpc:\/\/)?(\[[0-9a-fA-F:.]+\]|[\w.-]+):\d{1,5}\/?$/.test(raw)) {
    problems.push(`RECO_GRPC_URL must be host:port or grpc://host:port, got "${raw}"`)
  }
  return raw
}

function searchUrl(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined
  const nodes = raw.split(',').map((node) => node.trim())
  const schemes = ['http:', 'https:', 'opensearch+http:', 'opensearch+https:']
  if (nodes.some((node) => !isUrlWithScheme(node, schemes))) {
    problems.push(
      `SEARCH_URL must be http(s):// (Elasticsearch) or opensearch+http(s):// (OpenSearch) URLs, comma-separated, got "${raw}"`,
    )
  } else if (new Set(nodes.map((node) => node.startsWith('opensearch+'))).size > 1) {
    problems.push('SEARCH_URL must not mix Elasticsearch and OpenSearch nodes')
  }
  return raw
}

function corsOrigins(raw: string | undefined, problems: string[]): Config['corsOrigins'] {
  if (raw === undefined || raw === '*') return '*'
  const origins = raw.split(',').map((origin) => origin.trim().replace(/\/$/, ''))
  const bad = origins.filter((origin) => !/^https?:\/\/[^/?#\s]+$/.test(origin))
  if (bad.length > 0) {
    problems.push(
      `CORS_ORIGINS must be * or comma-separated origins like https://app.example.com, got "${bad.join(', ')}"`,
    )
  }
  return Object.freeze(origins)
}

// A prefix check, not `new URL`: cluster and sentinel URLs list several comma-separated hosts.
function isUrlWithScheme(raw: string, schemes: string[]): boolean {
  return schemes.some((scheme) => raw.startsWith(`${scheme}//`) && raw.length > scheme.length + 2)
}
