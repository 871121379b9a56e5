import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { parseId } from '../../http/schemas.js'
import { isoDateTime, sqlDateTime } from '../../infra/db/values.js'
import { COUNTERS } from '../../infra/store/counters.js'
import { cachedArticleInfo } from '../articles/articles.cache.js'
import type { ArticleInfo } from '../articles/articles.repo.js'
import { cachedUser } from '../users/users.cache.js'
import { likedCommentIds } from '../interactions/comment-likings.cache.js'
import { photoUrl } from '../users/users.service.js'
import {
  cachedArticleComments,
  cachedCommentBodies,
  cachedCommentReplies,
  forgetArticleComments,
  forgetCommentReplies,
} from './comments.cache.js'
import { pageOf, readCursor } from './comments.page.js'
import {
  findCommentPlace,
  insertComment,
  type CommentBody,
  type ScoredIds,
} from './comments.repo.js'

/** `content` is a VARCHAR(200): characters, not UTF-16 units. */
export const MAX_CONTENT_CHARS = 200

/** A comment as the lists show it. */
export interface CommentItem {
  com_id: bigint
  aut_id: bigint
  aut_name: string
  aut_photo: string
  pubdate: string
  content: string
  is_top: number
  like_count: number
  reply_count: number
  is_liking: boolean
}

/** A comment as every reader sees it, before its counts and the viewer's like. */
export type SharedCommentItem = Omit<CommentItem, 'like_count' | 'reply_count' | 'is_liking'>

/** A page of a comment list without its counts and likes: what every reader of it shares. */
export interface SharedCommentPage {
  total_count: number
  end_id: bigint | null
  last_id: bigint | null
  results: SharedCommentItem[]
}

/** The like and reply counts of comments (in order), and which of them the viewer likes. */
export interface CommentCounts {
  likes: number[]
  replies: number[]
  liked: Set<string>
}

/** Fills comment bodies with their authors. */
async function sharedItems(deps: Deps, bodies: CommentBody[]): Promise<SharedCommentItem[]> {
  const authorIds = [...new Set(bodies.map((body) => body.aut_id))]
  const authors = await Promise.all(authorIds.map((id) => cachedUser(deps, id)))
  const authorOf = new Map(authorIds.map((id, i) => [id, authors[i] ?? null]))
  return bodies.map((body) => {
    const author = authorOf.get(body.aut_id) ?? null
    return {
      com_id: body.com_id,
      aut_id: body.aut_id,
      aut_name: author?.name ?? '',
      aut_photo: photoUrl(deps, author ?? { photo: '' }),
      pubdate: body.pubdate,
      content: body.content,
      is_top: body.is_top,
    }
  })
}

/** The counts of the comments and the viewer's likes (the counts of one counter in one read). */
export async function commentCounts(
  deps: Deps,
  ids: bigint[],
  viewer: bigint | null,
): Promise<CommentCounts> {
  const [likes, replies, liked] = await Promise.all([
    deps.counters.getMany(COUNTERS.commentLiking, ids),
    deps.counters.getMany(COUNTERS.commentReplies, ids),
    viewer === null ? new Set<string>() : likedCommentIds(deps, viewer),
  ])
  return { likes, replies, liked }
}

/** What `GET /comments` asks for, once its parameters are read. */
export interface CommentQuery {
  type: 'a' | 'c'
  /** The article (type a) or comment (type c); null when it cannot exist. */
  source: bigint | null
  offset: bigint | null
  limit: number
}

const EMPTY: ScoredIds = { ids: [], scores: [] }

/** The list of `query.source`, or null when the article or comment does not exist. */
async function sourceList(deps: Deps, query: CommentQuery): Promise<ScoredIds | null> {
  const { source } = query
  if (source === null) return null
  if (query.type === 'a') {
    return (await cachedArticleInfo(deps, source)) ? cachedArticleComments(deps, source) : null
  }
  const [parent] = await cachedCommentBodies(deps, [source])
  return parent ? cachedCommentReplies(deps, source) : null
}

/** The part of a `GET /comments` page that every reader shares. */
export async function sharedCommentPage(
  deps: Deps,
  query: CommentQuery,
): Promise<SharedCommentPage> {
  const list = (await sourceList(deps, query)) ?? EMPTY
  const { type, source } = query
  const cursor =
    source === null ? null : await readCursor(deps, list, { type, source }, query.offset)
  const page = pageOf(list, cursor, query.limit)
  const bodies = (await cachedCommentBodies(deps, page.ids)).filter((body) => body !== null)
  return {
    total_count: page.total,
    end_id: page.endId,
    last_id: page.lastId,
    results: await sharedItems(deps, bodies),
  }
}

/** `GET /comments`: a page of an article's comments or of a comment's replies. */
export async function commentPage(deps: Deps, query: CommentQuery, viewer: bigint | null) {
  const shared = await sharedCommentPage(deps, query)
  const ids = shared.results.map((item) => item.com_id)
  const counts = await commentCounts(deps, ids, viewer)
  return {
    ...shared,
    results: shared.results.map((item, i): CommentItem => ({
      ...item,
      like_count: counts.likes[i] ?? 0,
      reply_count: counts.replies[i] ?? 0,
      is_liking: counts.liked.has(item.com_id.toString()),
    })),
  }
}

/** The arguments of `POST /comments` once read (`art_id` names an approved article). */
export interface NewComment {
  target: bigint
  content: string | null
  art_id: bigint | undefined
}

const INVALID_ARTICLE = 'Invalid target article id.'

/** 400 unless `content` holds some text and fits its column. */
function checkContent(content: string | null): asserts content is string {
  if (content === null || content.trim() === '') throw new AppError(400, 'Empty content.')
  if ([...content].length > MAX_CONTENT_CHARS) throw new AppError(400, 'Content is too long.')
}

/**
 * `POST /comments`: a comment on the article `target`, or with `art_id` a reply to the comment
 * `target` of that article. Approved at once, as the original's ORM default had it.
 */
export async function createComment(deps: Deps, userId: bigint, input: NewComment) {
  const { content } = input
  checkContent(content)
  const replyTo = input.art_id === undefined ? null : await cachedArticleInfo(deps, input.art_id)
  if (input.art_id !== undefined && !replyTo) throw new AppError(400, { art_id: INVALID_ARTICLE })
  const target = parseId(input.target)
  const article = replyTo ?? (target === null ? null : await cachedArticleInfo(deps, target))
  if (!article) throw new AppError(400, INVALID_ARTICLE)
  if (!article.allow_comm) throw new AppError(400, 'Article denied comment.')
  let parentId: bigint | null = null
  if (replyTo) {
    const place = target === null ? null : await findCommentPlace(deps.db.write, target)
    if (!place || place.articleId !== article.art_id) {
      throw new AppError(400, 'Invalid target comment id.')
    }
    parentId = target
  }

  const id = deps.ids.nextId()
  const at = new Date(Math.floor(Date.now() / 1000) * 1000)
  await insertComment(deps.db.write, {
    id,
    userId,
    articleId: article.art_id,
    parentId,
    content,
    at,
  })
  await afterCommentWritten(deps, article.art_id, parentId)

  const author = await cachedUser(deps, userId)
  const name = author?.name ?? ''
  const photo = photoUrl(deps, author ?? { photo: '' })
  if (parentId === null && article.aut_id !== userId)
    notifyAuthor(deps, article, userId, name, photo)
  const newObj: CommentItem = {
    com_id: id,
    aut_id: userId,
    aut_name: name,
    aut_photo: photo,
    like_count: 0,
    reply_count: 0,
    pubdate: isoDateTime(sqlDateTime(at)) ?? '',
    content,
    is_top: 0,
    is_liking: false,
  }
  return { com_id: id, target: parentId ?? article.art_id, art_id: article.art_id, new_obj: newObj }
}

/** Counters as the original kept them (replies count toward the article too), then the lists. */
async function afterCommentWritten(deps: Deps, articleId: bigint, parentId: bigint | null) {
  await deps.counters.incr(COUNTERS.articleComments, articleId)
  if (parentId === null) {
    await forgetArticleComments(deps, articleId)
    return
  }
  await deps.counters.incr(COUNTERS.commentReplies, parentId)
  await forgetCommentReplies(deps, parentId)
}

function notifyAuthor(
  deps: Deps,
  article: ArticleInfo,
  userId: bigint,
  name: string,
  photo: string,
) {
  deps.notifications.publish({
    event: 'comment notify',
    to: article.aut_id,
    payload: {
      user_id: userId,
      user_name: name,
      user_photo: photo,
      art_id: article.art_id,
      art_title: article.title,
      timestamp: Math.floor(Date.now() / 1000),
    },
  })
}
