import { sql, type Kysely } from 'kysely'
import { ARTICLE_STATUS } from '../features/articles/articles.repo.js'
import type { Database } from '../infra/db/schema.js'

/**
 * Titles of the newest approved articles whose title contains every word of `query`
 * (case-insensitive on both dialects for ASCII).
 *
 * The chat robot's fallback while the search engine cannot answer (down, or an embedded index
 * that is still being built or, in an `im` process, never built).
 */
export async function findTitlesContaining(
  db: Kysely<Database>,
  query: string,
  limit: number,
): Promise<string[]> {
  const words = query.split(/\s+/).filter(Boolean).slice(0, 5)
  if (words.length === 0) return []
  let select = db
    .selectFrom('news_article_basic')
    .select('title')
    .where('status', '=', ARTICLE_STATUS.approved)
  for (const word of words) {
    // '!' escapes LIKE's wildcards; both SQLite and MySQL accept an explicit ESCAPE character.
    const pattern = `%${word.replace(/[!%_]/g, (c) => `!${c}`)}%`
    select = select.where(sql<boolean>`title like ${pattern} escape '!'`)
  }
  const rows = await select
    .orderBy('create_time', 'desc')
    .orderBy('article_id', 'desc')
    .limit(limit)
    .execute()
  return rows.map((row) => row.title)
}
