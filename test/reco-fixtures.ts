import { pino, type Logger } from 'pino'
import { createCache } from '../src/infra/cache/cache.js'
import type { Databases } from '../src/infra/db/database.js'
import { sqlDateTime } from '../src/infra/db/values.js'
import { createMetrics } from '../src/infra/metrics.js'
import {
  COUNTERS,
  tolerantCounters,
  type TolerantCounterStore,
} from '../src/infra/store/counters.js'
import { redisCounters } from '../src/infra/store/counters.redis.js'
import { sqlCounters } from '../src/infra/store/counters.sql.js'
import type { SortedSetStore } from '../src/infra/store/sorted-sets.js'
import { redisSortedSets } from '../src/infra/store/sorted-sets.redis.js'
import { sqlSortedSets } from '../src/infra/store/sorted-sets.sql.js'
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './env.js'
import { openTestDatabase, openTestRedis, type TestRedis } from './stores.js'

/** A fixed clock for strategy tests: 2030-01-01T00:00:00Z. */
export const T0 = Date.UTC(2030, 0, 1)
export const HOUR = 3_600_000

/** What the strategy needs, on an empty migrated database (and Redis when TEST_REDIS_URL is set). */
export interface RecoFixture {
  deps: {
    db: Databases
    cache: ReturnType<typeof createCache>
    sortedSets: SortedSetStore
    counters: TolerantCounterStore
    log: Logger
  }
  /** Adds an approved article created `hoursAgo` before T0. */
  article(input: FixtureArticle): Promise<bigint>
  /** Sets the article's reads, likes, collections and comments. */
  counts(
    id: bigint,
    counts: Partial<Record<'reads' | 'likes' | 'collects' | 'comments', number>>,
  ): Promise<void>
  attitude(userId: bigint, articleId: bigint, attitude: 0 | 1): Promise<void>
  relation(userId: bigint, target: bigint, relation: 1 | 2): Promise<void>
  close(): Promise<void>
}

export interface FixtureArticle {
  id: bigint
  channel: number
  author: bigint
  hoursAgo: number
  title?: string
  content?: string
  status?: number
}

/** Opens the fixture on the test backends chosen by TEST_DATABASE_URL / TEST_REDIS_URL. */
export async function openRecoFixture(): Promise<RecoFixture> {
  const database = await openTestDatabase(TEST_DATABASE_URL ? 'mysql' : 'sqlite')
  const redis: TestRedis | undefined = TEST_REDIS_URL ? await openTestRedis() : undefined
  const db: Databases = {
    write: database.db,
    read: database.db,
    dialect: TEST_DATABASE_URL ? 'mysql' : 'sqlite',
    close: () => database.close(),
  }
  const log = pino({ level: 'silent' })
  const cache = createCache({ enabled: false, prefix: 'cache', metrics: createMetrics(), log })
  const counters = tolerantCounters(redis ? redisCounters(redis.redis) : sqlCounters(db.write), log)
  const sortedSets = redis ? redisSortedSets(redis.redis) : sqlSortedSets(db.write)
  const channels = new Set<number>()
  const users = new Set<bigint>()

  const ensureUser = async (id: bigint) => {
    if (users.has(id)) return
    users.add(id)
    await db.write
      .insertInto('user_basic')
      .values({
        user_id: id.toString(),
        mobile: `1${String(id).slice(-10).padStart(10, '0')}`,
        user_name: `u${id}`,
      })
      .execute()
  }

  return {
    deps: { db, cache, sortedSets, counters, log },
    async article(input) {
      if (!channels.has(input.channel)) {
        channels.add(input.channel)
        await db.write
          .insertInto('news_channel')
          .values({ channel_id: input.channel, channel_name: `ch${input.channel}`, is_visible: 1 })
          .execute()
      }
      await ensureUser(input.author)
      const created = sqlDateTime(new Date(T0 - input.hoursAgo * HOUR))
      await db.write
        .insertInto('news_article_basic')
        .values({
          article_id: input.id.toString(),
          user_id: input.author.toString(),
          channel_id: input.channel,
          title: input.title ?? `article ${input.id}`,
          cover: '{"type":0,"images":[]}',
          status: input.status ?? 2,
          create_time: created,
          update_time: created,
        })
        .execute()
      await db.write
        .insertInto('news_article_content')
        .values({ article_id: input.id.toString(), content: input.content ?? '' })
        .execute()
      return input.id
    },
    async counts(id, counts) {
      const entries = [
        [COUNTERS.articleReading, counts.reads],
        [COUNTERS.articleLiking, counts.likes],
        [COUNTERS.articleCollecting, counts.collects],
        [COUNTERS.articleComments, counts.comments],
      ] as const
      for (const [name, by] of entries) if (by) await counters.incr(name, id, by)
    },
    async attitude(userId, articleId, attitude) {
      await ensureUser(userId)
      await db.write
        .insertInto('news_attitude')
        .values({ user_id: userId.toString(), article_id: articleId.toString(), attitude })
        .execute()
    },
    async relation(userId, target, relation) {
      await ensureUser(userId)
      await ensureUser(target)
      await db.write
        .insertInto('user_relation')
        .values({ user_id: userId.toString(), target_user_id: target.toString(), relation })
        .execute()
    },
    async close() {
      await cache.close()
      await redis?.close()
      await db.close()
    },
  }
}
