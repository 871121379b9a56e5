import type { Kysely } from 'kysely'
import type { Database } from '../infra/db/schema.js'
import { upsert } from '../infra/db/upsert.js'
import { toId, toInt } from '../infra/db/values.js'
import { COUNTERS, type CounterName } from '../infra/store/counters.js'

type Db = Kysely<Database>
type Rows = { id: bigint | string | number; n: bigint | string | number | null }[]
/** What a counter's members are ids of. */
export type Entity = 'user' | 'article' | 'comment'

const APPROVED_ARTICLE = 2
const APPROVED_COMMENT = 1
const FOLLOW = 1
const DISLIKE = 0
const LIKE = 1

const ENTITY_TABLES = {
  user: ['user_basic', 'user_id'],
  article: ['news_article_basic', 'article_id'],
  comment: ['news_comment', 'comment_id'],
} as const

/** Up to `limit` ids of the entity after `after`, ascending (keyset paging on the primary key). */
export async function entityIds(
  db: Db,
  entity: Entity,
  after: bigint | undefined,
  limit: number,
): Promise<bigint[]> {
  const [table, column] = ENTITY_TABLES[entity]
  let query = db.selectFrom(table).select(`${column} as id`).orderBy(column).limit(limit)
  if (after !== undefined) query = query.where(column, '>', after.toString())
  const rows = (await query.execute()) as { id: bigint | string }[]
  return rows.map((row) => toId(row.id))
}

/** Which of `ids` exist as the entity. */
export async function existingIds(db: Db, entity: Entity, ids: readonly bigint[]) {
  if (ids.length === 0) return new Set<bigint>()
  const [table, column] = ENTITY_TABLES[entity]
  const rows = (await db
    .selectFrom(table)
    .select(`${column} as id`)
    .where(
      column,
      'in',
      ids.map((id) => id.toString()),
    )
    .execute()) as { id: bigint | string }[]
  return new Set(rows.map((row) => toId(row.id)))
}

/** How a counter's true values are found for the ids from `lo` to `hi` (inclusive). */
export interface CounterSource {
  entity: Entity
  /**
   * `count`: the database holds the truth. `checkpoint`: reads have no source in SQL, so the
   * statistic column keeps the highest count seen and the counter never falls below it.
   */
  kind: 'count' | 'checkpoint'
  read(db: Db, lo: bigint, hi: bigint): Promise<Map<bigint, number>>
}

const toMap = async (rows: Promise<unknown>) =>
  new Map((await (rows as Promise<Rows>)).map((row) => [toId(row.id), toInt(row.n)]))

// Each source reads one id range with `>= lo AND <= hi` on an indexed column.
const relations = (column: 'user_id' | 'target_user_id'): CounterSource['read'] => {
  return (db, lo, hi) =>
    toMap(
      db
        .selectFrom('user_relation')
        .select([`${column} as id`, (eb) => eb.fn.countAll().as('n')])
        .where(column, '>=', lo.toString())
        .where(column, '<=', hi.toString())
        .where('relation', '=', FOLLOW)
        .groupBy(column)
        .execute(),
    )
}

const collections = (column: 'user_id' | 'article_id'): CounterSource['read'] => {
  return (db, lo, hi) =>
    toMap(
      db
        .selectFrom('news_collection')
        .select([`${column} as id`, (eb) => eb.fn.countAll().as('n')])
        .where(column, '>=', lo.toString())
        .where(column, '<=', hi.toString())
        .where('is_deleted', '=', 0)
        .groupBy(column)
        .execute(),
    )
}

const comments = (column: 'article_id' | 'parent_id'): CounterSource['read'] => {
  return (db, lo, hi) =>
    toMap(
      db
        .selectFrom('news_comment')
        .select([`${column} as id`, (eb) => eb.fn.countAll().as('n')])
        .where(column, '>=', lo.toString())
        .where(column, '<=', hi.toString())
        .where('status', '=', APPROVED_COMMENT)
        .groupBy(column)
        .execute(),
    )
}

function attitudes(attitude: number): CounterSource['read'] {
  return (db, lo, hi) =>
    toMap(
      db
        .selectFrom('news_attitude')
        .select(['article_id as id', (eb) => eb.fn.countAll().as('n')])
        .where('article_id', '>=', lo.toString())
        .where('article_id', '<=', hi.toString())
        .where('attitude', '=', attitude)
        .groupBy('article_id')
        .execute(),
    )
}

/** Every `count:*` counter of the original and where its truth lives. */
export const SOURCES: Record<CounterName, CounterSource> = {
  [COUNTERS.userArticles]: {
    entity: 'user',
    kind: 'count',
    read: (db, lo, hi) =>
      toMap(
        db
          .selectFrom('news_article_basic')
          .select(['user_id as id', (eb) => eb.fn.countAll().as('n')])
          .where('user_id', '>=', lo.toString())
          .where('user_id', '<=', hi.toString())
          .where('status', '=', APPROVED_ARTICLE)
          .groupBy('user_id')
          .execute(),
      ),
  },
  [COUNTERS.userFollowings]: {
    entity: 'user',
    kind: 'count',
    read: relations('user_id'),
  },
  [COUNTERS.userFollowers]: {
    entity: 'user',
    kind: 'count',
    read: relations('target_user_id'),
  },
  [COUNTERS.userLiked]: {
    entity: 'user',
    kind: 'count',
    read: (db, lo, hi) =>
      toMap(
        db
          .selectFrom('news_article_basic as a')
          .innerJoin('news_attitude as at', 'at.article_id', 'a.article_id')
          .select(['a.user_id as id', (eb) => eb.fn.countAll().as('n')])
          .where('a.user_id', '>=', lo.toString())
          .where('a.user_id', '<=', hi.toString())
          .where('at.attitude', '=', LIKE)
          .groupBy('a.user_id')
          .execute(),
      ),
  },
  [COUNTERS.userArticleCollecting]: {
    entity: 'user',
    kind: 'count',
    read: collections('user_id'),
  },
  [COUNTERS.articleCollecting]: {
    entity: 'article',
    kind: 'count',
    read: collections('article_id'),
  },
  [COUNTERS.articleDislike]: { entity: 'article', kind: 'count', read: attitudes(DISLIKE) },
  [COUNTERS.articleLiking]: { entity: 'article', kind: 'count', read: attitudes(LIKE) },
  // Replies count too, as the runtime increments do.
  [COUNTERS.articleComments]: {
    entity: 'article',
    kind: 'count',
    read: comments('article_id'),
  },
  [COUNTERS.commentReplies]: {
    entity: 'comment',
    kind: 'count',
    read: comments('parent_id'),
  },
  [COUNTERS.commentLiking]: {
    entity: 'comment',
    kind: 'count',
    read: (db, lo, hi) =>
      toMap(
        db
          .selectFrom('news_comment_liking')
          .select(['comment_id as id', (eb) => eb.fn.countAll().as('n')])
          .where('comment_id', '>=', lo.toString())
          .where('comment_id', '<=', hi.toString())
          .where('is_deleted', '=', 0)
          .groupBy('comment_id')
          .execute(),
      ),
  },
  [COUNTERS.articleReading]: {
    entity: 'article',
    kind: 'checkpoint',
    read: (db, lo, hi) =>
      toMap(
        db
          .selectFrom('news_article_statistic')
          .select(['article_id as id', 'read_count as n'])
          .where('article_id', '>=', lo.toString())
          .where('article_id', '<=', hi.toString())
          .where('read_count', '>', 0)
          .execute(),
      ),
  },
  [COUNTERS.userArticlesReading]: {
    entity: 'user',
    kind: 'checkpoint',
    read: (db, lo, hi) =>
      toMap(
        db
          .selectFrom('user_basic')
          .select(['user_id as id', 'read_count as n'])
          .where('user_id', '>=', lo.toString())
          .where('user_id', '<=', hi.toString())
          .where('read_count', '>', 0)
          .execute(),
      ),
  },
}

/** Raises the stored read checkpoints to the counts the store holds. */
export async function saveCheckpoints(
  db: Db,
  name: CounterName,
  counts: ReadonlyMap<bigint, number>,
): Promise<void> {
  if (counts.size === 0) return
  await db.transaction().execute(async (trx) => {
    for (const [id, n] of counts) {
      if (name === COUNTERS.articleReading) {
        const row = { article_id: id.toString(), read_count: n }
        await upsert(trx, 'news_article_statistic', row, ['article_id'], {
          read_count: n,
        }).execute()
      } else {
        await trx
          .updateTable('user_basic')
          .set({ read_count: n })
          .where('user_id', '=', id.toString())
          .execute()
      }
    }
  })
}
