import { sql, type Kysely } from 'kysely'
import type { Database } from '../infra/db/schema.js'
import { upsert } from '../infra/db/upsert.js'
import { toId, toInt } from '../infra/db/values.js'
import { COUNTERS, type CounterName } from '../infra/store/counters.js'

type Db = Kysely<Database>
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

/** Where and how a source reads: each statement reads at most `rows` rows; `pause` runs between. */
export interface ReadContext {
  db: Db
  rows: number
  pause: () => Promise<void>
}

/** How a counter's true values are found for the ids from `lo` to `hi` (inclusive). */
export interface CounterSource {
  entity: Entity
  /**
   * `count`: the database holds the truth. `checkpoint`: reads have no source in SQL, so the
   * statistic column keeps the highest count seen and the counter never falls below it.
   */
  kind: 'count' | 'checkpoint'
  read(context: ReadContext, lo: bigint, hi: bigint): Promise<Map<bigint, number>>
}

/**
 * Rows of `table` per value of `group` where the `where` columns equal their values. Range
 * statements select by `group` alone and test `where` on the rows they read (so no planner picks
 * an index on a filter column instead); one group's slices select by group, `where` and `key`. An
 * index on (group, where columns…) holding `key` answers both, each reading at most `rows` entries.
 */
interface RowCount {
  table:
    | 'news_article_basic'
    | 'user_relation'
    | 'news_collection'
    | 'news_attitude'
    | 'news_comment'
    | 'news_comment_liking'
  group: string
  /** Unique within a group, so one group's rows can be counted a slice at a time. */
  key: string
  where: Record<string, number>
}

type Num = bigint | string | number | null

const matches = (where: RowCount['where']) =>
  sql.join(
    Object.entries(where).map(([column, value]) => sql`${sql.ref(column)} = ${value}`),
    sql` AND `,
  )
const hit = (where: RowCount['where']) => sql`CASE WHEN ${matches(where)} THEN 1 ELSE 0 END`

/**
 * Counts per group for groups `lo`–`hi`: the first `rows` rows in group order are counted per
 * group; when that many were read, the last group may go on, so it is counted on its own and the
 * next statement starts after it.
 */
async function countRange(
  context: ReadContext,
  spec: RowCount,
  lo: bigint,
  hi: bigint,
): Promise<Map<bigint, number>> {
  const { db, rows: limit } = context
  const group = sql.ref(spec.group)
  const counts = new Map<bigint, number>()
  let from = sql`${group} >= ${lo.toString()}`
  for (;;) {
    await context.pause()
    const { rows } = await sql<{ g: Num; seen: Num; n: Num }>`
      SELECT g, COUNT(*) AS seen, SUM(hit) AS n FROM (
        SELECT ${group} AS g, ${hit(spec.where)} AS hit FROM ${sql.table(spec.table)}
        WHERE ${from} AND ${group} <= ${hi.toString()}
        ORDER BY ${group} LIMIT ${limit}
      ) page GROUP BY g`.execute(db)
    let seen = 0
    let last = lo
    for (const row of rows) {
      const id = toId(row.g!)
      counts.set(id, toInt(row.n))
      seen += toInt(row.seen)
      if (id > last) last = id
    }
    if (seen < limit) return counts
    counts.set(last, await countGroup(context, spec, last))
    from = sql`${group} > ${last.toString()}`
  }
}

/**
 * Matching rows of one group, `rows` at a time along its key: the index on (group, where
 * columns…) holds each group's matching rows in key order.
 */
async function countGroup(context: ReadContext, spec: RowCount, id: bigint): Promise<number> {
  const { db, rows: limit } = context
  const key = sql.ref(spec.key)
  let total = 0
  let after = sql``
  for (;;) {
    await context.pause()
    const row = (
      await sql<{ n: Num; last: Num }>`
        SELECT COUNT(*) AS n, MAX(k) AS last FROM (
          SELECT ${key} AS k FROM ${sql.table(spec.table)}
          WHERE ${sql.ref(spec.group)} = ${id.toString()} AND ${matches(spec.where)} ${after}
          ORDER BY ${key} LIMIT ${limit}
        ) page`.execute(db)
    ).rows[0]!
    total += toInt(row.n)
    if (toInt(row.n) < limit || row.last === null) return total
    after = sql`AND ${key} > ${toId(row.last).toString()}`
  }
}

const counted =
  (spec: RowCount): CounterSource['read'] =>
  (context, lo, hi) =>
    countRange(context, spec, lo, hi)

const follows = (group: 'user_id' | 'target_user_id') =>
  counted({ table: 'user_relation', group, key: 'relation_id', where: { relation: FOLLOW } })
const LIKES: RowCount = {
  table: 'news_attitude',
  group: 'article_id',
  key: 'attitude_id',
  where: { attitude: LIKE },
}

/**
 * Likes on the articles of authors `lo`–`hi`: their articles a page at a time (keyset on author
 * and article), each page's likes in one statement reading at most `rows` rows, or halves of the
 * page when it has more.
 */
async function likesReceived(
  context: ReadContext,
  lo: bigint,
  hi: bigint,
): Promise<Map<bigint, number>> {
  const counts = new Map<bigint, number>()
  const pageSize = Math.max(1, Math.floor(context.rows / 20))
  for await (const page of articlesOf(context, lo, hi, pageSize)) {
    await addLikes(context, page, counts)
  }
  return counts
}

type Authored = { user: bigint; article: bigint }

async function addLikes(context: ReadContext, page: Authored[], counts: Map<bigint, number>) {
  const add = (user: bigint, n: number) => counts.set(user, (counts.get(user) ?? 0) + n)
  if (page.length === 1) {
    add(page[0]!.user, await countGroup(context, LIKES, page[0]!.article))
    return
  }
  await context.pause()
  const { rows } = await sql<{ a: Num; seen: Num; n: Num }>`
    SELECT a, COUNT(*) AS seen, SUM(hit) AS n FROM (
      SELECT article_id AS a, ${hit(LIKES.where)} AS hit FROM news_attitude
      WHERE article_id IN (${sql.join(page.map((row) => row.article.toString()))})
      LIMIT ${context.rows}
    ) page GROUP BY a`.execute(context.db)
  if (rows.reduce((sum, row) => sum + toInt(row.seen), 0) < context.rows) {
    const authors = new Map(page.map((row) => [row.article, row.user]))
    for (const row of rows) add(authors.get(toId(row.a!))!, toInt(row.n))
    return
  }
  const half = Math.ceil(page.length / 2)
  await addLikes(context, page.slice(0, half), counts)
  await addLikes(context, page.slice(half), counts)
}

/** Articles (any status) of authors `lo`–`hi` in (author, article) order, `size` at a time. */
async function* articlesOf(context: ReadContext, lo: bigint, hi: bigint, size: number) {
  let last: Authored | undefined
  // Within one author after `last`, or from the next author on.
  let within = false
  for (;;) {
    await context.pause()
    let query = context.db
      .selectFrom('news_article_basic')
      .select(['user_id', 'article_id'])
      .limit(size)
    query = within
      ? query
          .where('user_id', '=', last!.user.toString())
          .where('article_id', '>', last!.article.toString())
          .orderBy('article_id')
      : query
          .where('user_id', last ? '>' : '>=', (last?.user ?? lo).toString())
          .where('user_id', '<=', hi.toString())
          .orderBy('user_id')
          .orderBy('article_id')
    const page = (await query.execute()).map((row): Authored => ({
      user: toId(row.user_id),
      article: toId(row.article_id),
    }))
    if (page.length > 0) yield page
    if (page.length === size) {
      last = page.at(-1)
      within = true
    } else if (within) within = false
    else return
  }
}

/** Every `count:*` counter of the original and where its truth lives. */
export const SOURCES: Record<CounterName, CounterSource> = {
  [COUNTERS.userArticles]: {
    entity: 'user',
    kind: 'count',
    read: counted({
      table: 'news_article_basic',
      group: 'user_id',
      key: 'article_id',
      where: { status: APPROVED_ARTICLE },
    }),
  },
  [COUNTERS.userFollowings]: {
    entity: 'user',
    kind: 'count',
    read: follows('user_id'),
  },
  [COUNTERS.userFollowers]: {
    entity: 'user',
    kind: 'count',
    read: follows('target_user_id'),
  },
  [COUNTERS.userLiked]: { entity: 'user', kind: 'count', read: likesReceived },
  [COUNTERS.userArticleCollecting]: {
    entity: 'user',
    kind: 'count',
    read: counted({
      table: 'news_collection',
      group: 'user_id',
      key: 'collection_id',
      where: { is_deleted: 0 },
    }),
  },
  [COUNTERS.articleCollecting]: {
    entity: 'article',
    kind: 'count',
    read: counted({
      table: 'news_collection',
      group: 'article_id',
      key: 'collection_id',
      where: { is_deleted: 0 },
    }),
  },
  [COUNTERS.articleDislike]: {
    entity: 'article',
    kind: 'count',
    read: counted({ ...LIKES, where: { attitude: DISLIKE } }),
  },
  [COUNTERS.articleLiking]: { entity: 'article', kind: 'count', read: counted(LIKES) },
  // Replies count too, as the runtime increments do.
  [COUNTERS.articleComments]: {
    entity: 'article',
    kind: 'count',
    read: counted({
      table: 'news_comment',
      group: 'article_id',
      key: 'comment_id',
      where: { status: APPROVED_COMMENT },
    }),
  },
  [COUNTERS.commentReplies]: {
    entity: 'comment',
    kind: 'count',
    read: counted({
      table: 'news_comment',
      group: 'parent_id',
      key: 'comment_id',
      where: { status: APPROVED_COMMENT },
    }),
  },
  [COUNTERS.commentLiking]: {
    entity: 'comment',
    kind: 'count',
    read: counted({
      table: 'news_comment_liking',
      group: 'comment_id',
      key: 'liking_id',
      where: { is_deleted: 0 },
    }),
  },
  // One row per id: a batch of ids is a bounded statement.
  [COUNTERS.articleReading]: {
    entity: 'article',
    kind: 'checkpoint',
    read: readCounts('news_article_statistic', 'article_id'),
  },
  [COUNTERS.userArticlesReading]: {
    entity: 'user',
    kind: 'checkpoint',
    read: readCounts('user_basic', 'user_id'),
  },
}

function readCounts(
  table: 'news_article_statistic' | 'user_basic',
  column: 'article_id' | 'user_id',
): CounterSource['read'] {
  return async ({ db, pause }, lo, hi) => {
    await pause()
    const rows = (await db
      .selectFrom(table)
      .select([`${column} as id`, 'read_count as n'])
      .where(column, '>=', lo.toString())
      .where(column, '<=', hi.toString())
      .where('read_count', '>', 0)
      .execute()) as { id: bigint | string; n: bigint | string | number }[]
    return new Map(rows.map((row) => [toId(row.id), toInt(row.n)]))
  }
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
