import type { Deps } from '../../deps.js'
import { TTL, type EntryPolicy } from '../../infra/cache/ttl.js'
import {
  findCommentBodies,
  listScoredComments,
  type CommentBody,
  type ScoredIds,
} from './comments.repo.js'

type CacheDeps = Pick<Deps, 'cache' | 'db'>

const bodyKey = (id: bigint) => `comm:${id}`
const articleKey = (articleId: bigint) => `art:${articleId}:comm`
const repliesKey = (commentId: bigint) => `comm:${commentId}:reply`

const bodyPolicy: EntryPolicy = {
  name: 'comment',
  ttl: TTL.comments,
  missing: TTL.commentNotExists,
}
const articlePolicy: EntryPolicy = { name: 'article_comments', ttl: TTL.comments }
const repliesPolicy: EntryPolicy = { name: 'comment_replies', ttl: TTL.comments }
const EMPTY: ScoredIds = { ids: [], scores: [] }

/**
 * `comm:{id}` of each id, in order (null: no approved comment, negatively cached). The entries
 * that miss share one query; ids the replica lacks are looked up on the primary before being
 * cached as missing, so a comment written a moment ago is not hidden for minutes.
 */
export function cachedCommentBodies(
  deps: CacheDeps,
  ids: readonly bigint[],
): Promise<(CommentBody | null)[]> {
  let batch: Promise<Map<bigint, CommentBody>> | undefined
  const loadBatch = async () => {
    const found = new Map((await findCommentBodies(deps.db.read, ids)).map((b) => [b.com_id, b]))
    const lacking = ids.filter((id) => !found.has(id))
    for (const body of await findCommentBodies(deps.db.write, lacking)) found.set(body.com_id, body)
    return found
  }
  return Promise.all(
    ids.map((id) =>
      deps.cache.getOrLoad(bodyKey(id), bodyPolicy, async () => {
        batch ??= loadBatch()
        return (await batch).get(id) ?? null
      }),
    ),
  )
}

/**
 * `art:{id}:comm`: the article's approved top-level comments by score. Loaded from the primary:
 * right after a new comment drops the entry, a lagging replica would cache the list without it.
 */
export async function cachedArticleComments(
  deps: CacheDeps,
  articleId: bigint,
): Promise<ScoredIds> {
  const load = () => listScoredComments(deps.db.write, { articleId })
  return (await deps.cache.getOrLoad(articleKey(articleId), articlePolicy, load)) ?? EMPTY
}

/** `comm:{id}:reply`: the comment's approved replies by score (from the primary, as above). */
export async function cachedCommentReplies(deps: CacheDeps, commentId: bigint): Promise<ScoredIds> {
  const load = () => listScoredComments(deps.db.write, { parentId: commentId })
  return (await deps.cache.getOrLoad(repliesKey(commentId), repliesPolicy, load)) ?? EMPTY
}

/** After a top-level comment of the article is added, removed, pinned or moderated. */
export function forgetArticleComments(deps: Pick<Deps, 'cache'>, articleId: bigint) {
  return deps.cache.delete(articleKey(articleId))
}

/** After a reply to the comment is added, removed or moderated. */
export function forgetCommentReplies(deps: Pick<Deps, 'cache'>, commentId: bigint) {
  return deps.cache.delete(repliesKey(commentId))
}

/** After the comment itself is edited, pinned or moderated. */
export function forgetComment(deps: Pick<Deps, 'cache'>, id: bigint) {
  return deps.cache.delete(bodyKey(id))
}
