import type { Deps } from '../../deps.js'
import { TTL, type EntryPolicy } from '../../infra/cache/ttl.js'
import { articleChanged } from '../search/search.indexing.js'
import {
  findArticleContent,
  findArticleInfo,
  listAuthorArticles,
  type ArticleInfo,
  type ArticleStamp,
} from './articles.repo.js'

type CacheDeps = Pick<Deps, 'cache' | 'db'>

const infoKey = (id: bigint) => `art:${id}:info`
const detailKey = (id: bigint) => `art:${id}:detail`
const authorKey = (userId: bigint) => `user:${userId}:art`

const infoPolicy: EntryPolicy = {
  name: 'article_info',
  ttl: TTL.articleInfo,
  missing: TTL.articleNotExists,
}
const detailPolicy: EntryPolicy = {
  name: 'article_detail',
  ttl: TTL.articleDetail,
  missing: TTL.articleNotExists,
}
const authorPolicy: EntryPolicy = { name: 'user_articles', ttl: TTL.userArticles }

/** `art:{id}:info`, null (negatively cached) unless the article is approved. */
export function cachedArticleInfo(deps: CacheDeps, id: bigint): Promise<ArticleInfo | null> {
  return deps.cache.getOrLoad(infoKey(id), infoPolicy, () => findArticleInfo(deps.db.write, id))
}

/** `art:{id}:detail`: the article's HTML body. */
export function cachedArticleContent(deps: CacheDeps, id: bigint): Promise<string | null> {
  return deps.cache.getOrLoad(detailKey(id), detailPolicy, () =>
    findArticleContent(deps.db.write, id),
  )
}

/** `user:{id}:art`: an author's approved articles, newest first. */
export async function cachedAuthorArticles(
  deps: CacheDeps,
  userId: bigint,
): Promise<ArticleStamp[]> {
  const load = () => listAuthorArticles(deps.db.write, userId)
  return (await deps.cache.getOrLoad(authorKey(userId), authorPolicy, load)) ?? []
}

/**
 * After an article is edited, approved, banned or deleted: drops its cache entries, then brings
 * the search index in line (indexed when approved, removed otherwise).
 */
export async function forgetArticle(
  deps: Pick<Deps, 'cache' | 'db' | 'search' | 'log'>,
  id: bigint,
  authorId: bigint,
): Promise<void> {
  await deps.cache.delete(infoKey(id), detailKey(id), authorKey(authorId))
  await articleChanged(deps, id)
}
