import { sql, type Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { Database } from '../db/schema.js'
import { upsert } from '../db/upsert.js'
import { toInt } from '../db/values.js'
import type { RedisClient } from '../redis/redis.js'

/** A read of an article or a search, by a user when known (the source of the statistics). */
export interface ActivityEvent {
  kind: 'read' | 'search'
  userId: bigint | null
  /** The search's keyword. */
  keyword?: string
}

/** What one hour recorded. */
export interface HourActivity {
  reads: number
  searches: number
  /** Ids of the users who read or searched. */
  users: Set<string>
  /** Searches per keyword. */
  keywords: Map<string, number>
}

/** Hourly activity buckets: Redis sorted sets (kept 8 days) or SQL rows when embedded. */
export interface ActivityStore {
  /** Counts the event in the hour of `nowMs`; never fails (statistics are not worth a request). */
  record(event: ActivityEvent, nowMs?: number): Promise<void>
  /** The activity of the UTC hour `hour` (whole hours since the epoch). */
  hour(hour: number): Promise<HourActivity>
  /** Forgets hours before `hour` (the SQL rows; Redis keys expire by themselves). */
  forgetBefore(hour: number): Promise<number>
}

/** How long Redis keeps an hour's buckets. */
const KEEP_SECONDS = 8 * 24 * 3600
const KEYWORD_MAX = 100
// Six digits until 2084, so key order is hour order.
type Part = 'events' | 'users' | 'keywords'
/** The sorted set of an hour's part. */
export const bucket = (hour: number, part: Part) => `stats:${String(hour).padStart(6, '0')}:${part}`

/** The UTC hour (since the epoch) of a time. */
export const hourOf = (ms: number) => Math.floor(ms / 3_600_000)

/** The bucket writes an event makes: its part, member and whether it counts or just marks. */
export function increments(event: ActivityEvent): [Part, string, 'add' | 'incr'][] {
  const out: [Part, string, 'add' | 'incr'][] = [
    ['events', event.kind === 'read' ? 'reads' : 'searches', 'incr'],
  ]
  if (event.userId !== null) out.push(['users', event.userId.toString(), 'add'])
  const keyword = event.keyword?.trim().slice(0, KEYWORD_MAX)
  if (event.kind === 'search' && keyword) out.push(['keywords', keyword, 'incr'])
  return out
}

// An hour's activity, each of its three sets read through `scores` (member → score).
async function readHour(
  scores: (key: string) => Promise<Map<string, number>>,
  hour: number,
): Promise<HourActivity> {
  const [events, users, keywords] = await Promise.all([
    scores(bucket(hour, 'events')),
    scores(bucket(hour, 'users')),
    scores(bucket(hour, 'keywords')),
  ])
  return {
    reads: events.get('reads') ?? 0,
    searches: events.get('searches') ?? 0,
    users: new Set(users.keys()),
    keywords,
  }
}

/**
 * One bucket's writes: a count added to a member (ZINCRBY) or `mark` (score 1), then the bucket's
 * expiry renewed. Plain commands, not a transaction: they leave with the tick's other commands in
 * one write (auto-pipelining), and Redis runs them in order.
 */
export function writeBucket(
  redis: RedisClient,
  key: string,
  members: ReadonlyMap<string, number | 'mark'>,
) {
  const writes: Promise<unknown>[] = []
  for (const [member, value] of members) {
    writes.push(value === 'mark' ? redis.zadd(key, 1, member) : redis.zincrby(key, value, member))
  }
  writes.push(redis.expire(key, KEEP_SECONDS))
  return Promise.all(writes)
}

/** Activity in Redis: `stats:<hour>:events|users|keywords` sorted sets. */
export function redisActivity(redis: RedisClient, log: Logger): ActivityStore {
  const scores = async (key: string) => {
    const flat = await redis.zrange(key, 0, -1, 'WITHSCORES')
    const map = new Map<string, number>()
    for (let i = 0; i < flat.length; i += 2) map.set(flat[i]!, Number(flat[i + 1]))
    return map
  }
  return {
    async record(event, nowMs = Date.now()) {
      const hour = hourOf(nowMs)
      // One transaction per set: the three sets may live in different slots of a Cluster.
      const writes = increments(event).map(([part, member, op]) =>
        writeBucket(redis, bucket(hour, part), new Map([[member, op === 'incr' ? 1 : 'mark']])),
      )
      await Promise.all(writes).catch((error: unknown) => log.warn({ err: error }, 'activity lost'))
    },
    hour: (hour) => readHour(scores, hour),
    forgetBefore: async () => 0,
  }
}

/** Activity in the `headline_sorted_set` table under the same keys (embedded mode). */
export function sqlActivity(db: Kysely<Database>, log: Logger): ActivityStore {
  const scores = async (key: string) => {
    const rows = await db
      .selectFrom('headline_sorted_set')
      .select(['member', 'score'])
      .where('set_key', '=', key)
      .execute()
    return new Map(rows.map((row) => [row.member, toInt(row.score)]))
  }
  return {
    async record(event, nowMs = Date.now()) {
      const hour = hourOf(nowMs)
      try {
        for (const [part, member, op] of increments(event)) {
          const row = { set_key: bucket(hour, part), member, score: 1 }
          const update = op === 'incr' ? { score: sql<number>`score + 1` } : { score: 1 }
          await upsert(db, 'headline_sorted_set', row, ['set_key', 'member'], update).execute()
        }
      } catch (error) {
        log.warn({ err: error }, 'activity lost')
      }
    },
    hour: (hour) => readHour(scores, hour),
    async forgetBefore(hour) {
      const result = await db
        .deleteFrom('headline_sorted_set')
        .where('set_key', '>=', 'stats:')
        .where('set_key', '<', bucket(hour, 'events').slice(0, 'stats:000000'.length))
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
