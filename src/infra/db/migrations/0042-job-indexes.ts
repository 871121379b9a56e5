import { sql, type Kysely } from 'kysely'
import { isMysql } from '../dialect.js'

// The counter repair reads counts by id range; the rollups read rows by time.
const INDEXES: [name: string, table: string, columns: string[]][] = [
  ['news_attitude_article', 'news_attitude', ['article_id', 'attitude']],
  ['news_collection_article', 'news_collection', ['article_id', 'is_deleted']],
  ['news_comment_liking_comment', 'news_comment_liking', ['comment_id', 'is_deleted']],
  ['user_basic_create_time', 'user_basic', ['create_time']],
  ['user_basic_last_login', 'user_basic', ['last_login']],
  ['news_article_basic_create_time', 'news_article_basic', ['create_time']],
  ['news_article_basic_review_time', 'news_article_basic', ['review_time']],
  ['news_comment_create_time', 'news_comment', ['create_time']],
]

/** Indexes the scheduled jobs need so that no run scans a whole table per batch. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // MySQL 8 has no CREATE INDEX IF NOT EXISTS; an adopted schema may have some of these already.
  const existing = new Set<string>()
  if (isMysql(db)) {
    const rows = await sql<{ name: string }>`SELECT DISTINCT index_name AS name
      FROM information_schema.statistics WHERE table_schema = DATABASE()`.execute(db)
    for (const row of rows.rows) existing.add(row.name)
  }
  for (const [name, table, columns] of INDEXES) {
    if (existing.has(name)) continue
    const index = db.schema.createIndex(name).on(table).columns(columns)
    await (isMysql(db) ? index : index.ifNotExists()).execute()
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name, table] of INDEXES) await db.schema.dropIndex(name).on(table).execute()
}
