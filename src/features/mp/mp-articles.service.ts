import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { jsonColumn } from '../../infra/db/values.js'
import { COUNTERS } from '../../infra/store/counters.js'
import type { ArticleInput } from '../article-lifecycle/index.js'
import {
  findAuthorArticle,
  listAuthorArticles,
  searchAuthorArticles,
  type AuthorArticleFilter,
  type AuthorArticleRow,
} from './mp-articles.repo.js'

/** The body of mp `POST/PUT /articles` (anything else the client sends is ignored). */
export interface ArticleBody {
  title: string
  content: string
  cover: unknown
  channel_id: unknown
}

/** reqparse's `inputs.boolean` for `draft`: true/false/1/0 in any case; absent is false. */
export function readDraft(value: string | undefined): boolean {
  if (value === undefined || value === '') return false
  const text = value.toLowerCase()
  if (text === 'true' || text === '1') return true
  if (text === 'false' || text === '0') return false
  throw new AppError(400, { draft: `Invalid literal for boolean(): ${value}` })
}

/** The lifecycle's input from an mp body: cover and channel checked with the original's texts. */
export function articleInput(body: ArticleBody, draft: boolean): ArticleInput {
  const cover = body.cover as { type?: unknown; images?: unknown } | null
  if (
    cover === null ||
    typeof cover !== 'object' ||
    !Number.isInteger(cover.type) ||
    !Array.isArray(cover.images) ||
    !cover.images.every((image) => typeof image === 'string')
  )
    throw new AppError(400, { cover: 'Invalid cover param.' })
  const channel = typeof body.channel_id === 'string' ? Number(body.channel_id) : body.channel_id
  if (typeof channel !== 'number' || !Number.isSafeInteger(channel) || channel <= 0)
    throw new AppError(400, { channel_id: 'Invalid channel id param.' })
  return {
    title: body.title,
    content: body.content,
    cover: { type: cover.type as number, images: cover.images as string[] },
    channelId: channel,
    draft,
  }
}

/** A stored cover (keys) as the client reads it (public URLs). */
export function coverOut(deps: Pick<Deps, 'storage'>, column: unknown) {
  try {
    const cover = (jsonColumn(column) ?? {}) as { type?: unknown; images?: unknown }
    const images = Array.isArray(cover.images)
      ? cover.images.filter((i): i is string => typeof i === 'string')
      : []
    return {
      type: typeof cover.type === 'number' ? cover.type : 0,
      images: images.map((image) => (/^https?:\/\//.test(image) ? image : deps.storage.url(image))),
    }
  } catch {
    return { type: 0, images: [] }
  }
}

/** `GET /articles` variants: the content list, comment management, statistics. */
export type ListKind = 'default' | 'comment' | 'statistic'

interface Paging {
  page: number
  perPage: number
}

/** `GET /articles`: a page of the author's articles in one of the three shapes. */
export async function authorArticlePage(
  deps: Pick<Deps, 'db' | 'storage' | 'counters'>,
  filter: AuthorArticleFilter,
  kind: ListKind,
  paging: Paging,
) {
  const approvedOnly = kind === 'default' ? filter : { ...filter, statuses: [2] }
  if (kind !== 'default' && filter.statuses.length > 0 && !filter.statuses.includes(2))
    return { total_count: 0, page: paging.page, per_page: paging.perPage, results: [] }
  // From the primary: authors expect their own writes in the list at once.
  const { total, rows } = await listAuthorArticles(
    deps.db.write,
    approvedOnly,
    (paging.page - 1) * paging.perPage,
    paging.perPage,
  )
  const page = { total_count: total, page: paging.page, per_page: paging.perPage }
  if (kind === 'default') return { ...page, results: rows.map((row) => listItem(deps, row)) }
  const ids = rows.map((row) => row.id)
  const [comments, reads, likes, collects] = await Promise.all([
    deps.counters.getMany(COUNTERS.articleComments, ids),
    deps.counters.getMany(COUNTERS.articleReading, ids),
    deps.counters.getMany(COUNTERS.articleLiking, ids),
    deps.counters.getMany(COUNTERS.articleCollecting, ids),
  ])
  if (kind === 'comment') {
    return {
      ...page,
      results: rows.map((row, i) => ({
        id: row.id,
        title: row.title,
        comment_status: row.allowComment,
        total_comment_count: comments[i] ?? 0,
        fans_comment_count: row.fansCommentCount,
      })),
    }
  }
  return {
    ...page,
    results: rows.map((row, i) => ({
      id: row.id,
      title: row.title,
      comment_count: comments[i] ?? 0,
      read_count: reads[i] ?? 0,
      like_count: likes[i] ?? 0,
      repost_count: row.repostCount,
      collect_count: collects[i] ?? 0,
    })),
  }
}

function listItem(deps: Pick<Deps, 'storage'>, row: AuthorArticleRow) {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    cover: coverOut(deps, row.cover),
    pubdate: row.createTime.slice(0, 19),
  }
}

/** `GET /articles/:id`: the author's own article for editing, or `{}` as the original. */
export async function authorArticle(
  deps: Pick<Deps, 'db' | 'storage'>,
  authorId: bigint,
  id: bigint | null,
) {
  const row = id === null ? null : await findAuthorArticle(deps.db.write, authorId, id)
  if (!row) return {}
  return {
    id: row.id,
    title: row.title,
    cover: coverOut(deps, row.cover),
    channel_id: row.channelId,
    content: row.content,
  }
}

/** `GET /search`: the author's own articles (any status but deleted) containing every term. */
export async function searchOwnArticles(
  deps: Pick<Deps, 'db' | 'storage'>,
  authorId: bigint,
  q: string,
  paging: Paging,
) {
  const terms = q.split(/\s+/).filter(Boolean)
  const { total, rows } = await searchAuthorArticles(
    deps.db.write,
    authorId,
    terms.length > 0 ? terms : [q],
    (paging.page - 1) * paging.perPage,
    paging.perPage,
  )
  return {
    total_count: total,
    page: paging.page,
    per_page: paging.perPage,
    results: rows.map((row) => listItem(deps, row)),
  }
}
