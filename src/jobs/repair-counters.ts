import type { Kysely } from 'kysely'
import type { Deps } from '../deps.js'
import type { Database } from '../infra/db/schema.js'
import { toId, toInt } from '../infra/db/values.js'
import { COUNTERS, type CounterName } from '../infra/store/counters.js'

type Db = Kysely<Database>
type Rows = { id: bigint | string | number; n: bigint | string | number }[]

const APPROVED_ARTICLE = 2
const APPROVED_COMMENT = 1
const FOLLOW = 1
const DISLIKE = 0
const LIKE = 1

/** The SQL that recomputes each counter that has a source of truth in the database. */
const SOURCES: Partial<Record<CounterName, (db: Db) => Promise<Rows>>> = {
  [COUNTERS.userArticles]: (db) =>
    db
      .selectFrom('news_article_basic')
      .select(['user_id as id', (eb) => eb.fn.countAll().as('n')])
      .where('status', '=', APPROVED_ARTICLE)
      .groupBy('user_id')
      .execute() as Promise<Rows>,
  [COUNTERS.userFollowings]: (db) =>
    db
      .selectFrom('user_relation')
      .select(['user_id as id', (eb) => eb.fn.countAll().as('n')])
      .where('relation', '=', FOLLOW)
      .groupBy('user_id')
      .execute() as Promise<Rows>,
  [COUNTERS.userFollowers]: (db) =>
    db
      .selectFrom('user_relation')
      .select(['target_user_id as id', (eb) => eb.fn.countAll().as('n')])
      .where('relation', '=', FOLLOW)
      .groupBy('target_user_id')
      .execute() as Promise<Rows>,
  [COUNTERS.userLiked]: (db) =>
    db
      .selectFrom('news_attitude as at')
      .innerJoin('news_article_basic as a', 'a.article_id', 'at.article_id')
      .select(['a.user_id as id', (eb) => eb.fn.countAll().as('n')])
      .where('at.attitude', '=', LIKE)
      .groupBy('a.user_id')
      .execute() as Promise<Rows>,
  [COUNTERS.articleCollecting]: (db) =>
    db
      .selectFrom('news_collection')
      .select(['article_id as id', (eb) => eb.fn.countAll().as('n')])
      .where('is_deleted', '=', 0)
      .groupBy('article_id')
      .execute() as Promise<Rows>,
  [COUNTERS.userArticleCollecting]: (db) =>
    db
      .selectFrom('news_collection')
      .select(['user_id as id', (eb) => eb.fn.countAll().as('n')])
      .where('is_deleted', '=', 0)
      .groupBy('user_id')
      .execute() as Promise<Rows>,
  [COUNTERS.articleDislike]: (db) => attitudesByArticle(db, DISLIKE),
  [COUNTERS.articleLiking]: (db) => attitudesByArticle(db, LIKE),
  [COUNTERS.commentLiking]: (db) =>
    db
      .selectFrom('news_comment_liking')
      .select(['comment_id as id', (eb) => eb.fn.countAll().as('n')])
      .where('is_deleted', '=', 0)
      .groupBy('comment_id')
      .execute() as Promise<Rows>,
  // Replies count too, as the runtime increments do.
  [COUNTERS.articleComments]: (db) =>
    db
      .selectFrom('news_comment')
      .select(['article_id as id', (eb) => eb.fn.countAll().as('n')])
      .where('status', '=', APPROVED_COMMENT)
      .groupBy('article_id')
      .execute() as Promise<Rows>,
  [COUNTERS.commentReplies]: (db) =>
    db
      .selectFrom('news_comment')
      .select(['parent_id as id', (eb) => eb.fn.countAll().as('n')])
      .where('status', '=', APPROVED_COMMENT)
      .where('parent_id', 'is not', null)
      .groupBy('parent_id')
      .execute() as Promise<Rows>,
}

function attitudesByArticle(db: Db, attitude: number): Promise<Rows> {
  return db
    .selectFrom('news_attitude')
    .select(['article_id as id', (eb) => eb.fn.countAll().as('n')])
    .where('attitude', '=', attitude)
    .groupBy('article_id')
    .execute() as Promise<Rows>
}

/** Counters that the database can rebuild (reading counts have no source and are kept). */
export const REPAIRABLE_COUNTERS = Object.keys(SOURCES) as CounterName[]

/** Rebuilds counters from SQL (all repairable ones by default); returns members written per counter. */
export async function repairCounters(
  deps: Pick<Deps, 'db' | 'counters'>,
  names: readonly CounterName[] = REPAIRABLE_COUNTERS,
): Promise<Record<string, number>> {
  const written: Record<string, number> = {}
  for (const name of names) {
    const source = SOURCES[name]
    if (!source) continue
    const rows = await source(deps.db.read)
    const counts = new Map(rows.map((row) => [toId(row.id), toInt(row.n)]))
    await deps.counters.reset(name, counts)
    written[name] = counts.size
  }
  return written
}
