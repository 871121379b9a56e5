import type { Kysely } from 'kysely'
import { createIndexes, dropIndexes, type IndexSpec } from '../indexes.js'

// The counter repair counts each counter's rows from an index holding the grouped column, the
// filter and a unique key (serial tables' keys are in every index already): counts read no table
// rows, and one group's rows can be counted a bounded slice at a time.
const INDEXES: IndexSpec[] = [
  ['news_article_basic_user_article', 'news_article_basic', ['user_id', 'article_id', 'status']],
  ['user_relation_user_relation', 'user_relation', ['user_id', 'relation']],
  ['user_relation_target_relation', 'user_relation', ['target_user_id', 'relation']],
  ['news_collection_user_deleted', 'news_collection', ['user_id', 'is_deleted']],
  ['news_comment_article_status', 'news_comment', ['article_id', 'status', 'comment_id']],
  ['news_comment_parent_status', 'news_comment', ['parent_id', 'status', 'comment_id']],
]

/** Indexes that let the counter repair count in statements of bounded size. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createIndexes(db, INDEXES)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropIndexes(db, INDEXES)
}
