import type { Kysely } from 'kysely'
import { createIndexes, dropIndexes, type IndexSpec } from '../indexes.js'

// The counter repair reads counts by id range; the rollups read rows by time.
const INDEXES: IndexSpec[] = [
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
  await createIndexes(db, INDEXES)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropIndexes(db, INDEXES)
}
