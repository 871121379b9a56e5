import type { Deps } from '../../deps.js'
import { TTL, type EntryPolicy } from '../../infra/cache/ttl.js'
import { msOfDateTime, toId } from '../../infra/db/values.js'
import type { ArticleStamp } from '../articles/articles.repo.js'

type CacheDeps = Pick<Deps, 'cache' | 'db'>

const collectionsKey = (userId: bigint) => `user:${userId}:art:collection`
const collectionsPolicy: EntryPolicy = {
  name: 'user_collections',
  ttl: TTL.userArticleCollections,
}

/** `user:{id}:art:collection`: collected articles, most recently collected first. */
export async function cachedCollections(deps: CacheDeps, userId: bigint): Promise<ArticleStamp[]> {
  const list = await deps.cache.getOrLoad(collectionsKey(userId), collectionsPolicy, async () => {
    const rows = await deps.db.write
      .selectFrom('news_collection')
      .select(['article_id', 'update_time'])
      .where('user_id', '=', userId.toString())
      .where('is_deleted', '=', 0)
      .orderBy('update_time', 'desc')
      .orderBy('collection_id', 'desc')
      .execute()
    return rows.map((row) => ({
      id: toId(row.article_id),
      createdMs: msOfDateTime(row.update_time),
    }))
  })
  return list ?? []
}

/** True when the user has collected the article. */
export async function isCollected(deps: CacheDeps, userId: bigint, articleId: bigint) {
  return (await cachedCollections(deps, userId)).some((item) => item.id === articleId)
}

/** After the user collects or uncollects an article. */
export function forgetCollections(deps: Pick<Deps, 'cache'>, userId: bigint): Promise<void> {
  return deps.cache.delete(collectionsKey(userId))
}
