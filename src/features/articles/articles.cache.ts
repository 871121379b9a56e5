import type { Deps } from '../../deps.js'
import { TTL, type EntryPolicy } from '../../infra/cache/ttl.js'
import type { ArticleChange } from '../../infra/events/article-events.js'
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

/** Drops the entries of changed articles and their authors' lists (every node, via the bus). */
export function forgetArticles(
  deps: Pick<Deps, 'cache'>,
  changes: readonly Pick<ArticleChange, 'id' | 'authorId'>[],
): Promise<void> {
  const authors = new Set(changes.map((change) => change.authorId))
  return deps.cache.delete(
    ...changes.flatMap((change) => [infoKey(change.id), detailKey(change.id)]),
    ...[...authors].map(authorKey),
  )
}
