import type { Kysely } from 'kysely'
import type { Database } from '../../infra/db/schema.js'
import { msOfDateTime, toId, toInt } from '../../infra/db/values.js'
import { APPROVED_STATUS, type SearchDocument } from '../../infra/search/search-engine.js'
import { stripHtml } from '../../infra/search/text.js'

type Db = Kysely<Database>

const columns = [
  'a.article_id',
  'a.user_id',
  'a.title',
  'a.status',
  'a.create_time',
  'c.content',
] as const

function toDocument(row: {
  article_id: bigint | string
  user_id: bigint | string
  title: string
  status: number | bigint
  create_time: string
  content: string | null
}): SearchDocument {
  return {
    id: toId(row.article_id),
    userId: toId(row.user_id),
    title: row.title,
    content: stripHtml(row.content ?? ''),
    status: toInt(row.status),
    createdMs: msOfDateTime(row.create_time),
  }
}

/** An article as a search document, in whatever state it is; null when there is no such row. */
export async function findSearchDocument(db: Db, id: bigint): Promise<SearchDocument | null> {
  const row = await db
    .selectFrom('news_article_basic as a')
    .leftJoin('news_article_content as c', 'c.article_id', 'a.article_id')
    .select(columns)
    .where('a.article_id', '=', id.toString())
    .executeTakeFirst()
  return row ? toDocument(row) : null
}

/**
 * Every approved article as search documents, in batches by id. Keyset pages over the primary
 * key; the status is checked here rather than in SQL, because a status condition makes both
 * SQLite and MySQL prefer the status index and sort every approved row again for each page.
 */
export async function* approvedDocuments(
  db: Db,
  batchSize = 500,
): AsyncGenerator<SearchDocument[]> {
  let after: string | undefined
  for (;;) {
    let query = db
      .selectFrom('news_article_basic as a')
      .leftJoin('news_article_content as c', 'c.article_id', 'a.article_id')
      .select(columns)
    if (after !== undefined) query = query.where('a.article_id', '>', after)
    const rows = await query.orderBy('a.article_id').limit(batchSize).execute()
    const last = rows.at(-1)
    if (!last) return
    const docs = rows.filter((row) => toInt(row.status) === APPROVED_STATUS).map(toDocument)
    if (docs.length > 0) yield docs
    if (rows.length < batchSize) return
    after = toId(last.article_id).toString()
  }
}
