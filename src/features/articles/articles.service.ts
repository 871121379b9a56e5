import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { recordTrace } from '../../reco/feedback.js'
import { traceFor, traceJson, tracesFor } from '../../reco/trace.js'
import type { Trace } from '../../reco/recommender.js'
import { cachedAllChannels } from '../channels/channels.cache.js'
import {
  articleCardTexts,
  articleCards,
  pinnedArticleIds,
  type ArticleCard,
} from './article-cards.js'
import { cachedAuthorArticles } from './articles.cache.js'
import { listChannelArticles } from './articles.repo.js'

const FEED_SIZE = 10

/** 400 unless the channel is 推荐 (0) or a visible channel. */
export async function requireChannel(deps: Deps, channelId: number) {
  if (channelId === 0) return
  const channels = await cachedAllChannels(deps)
  if (!channels.some((channel) => channel.id === channelId)) {
    throw new AppError(400, { channel_id: 'Invalid channel id.' })
  }
}

type FeedOptions = {
  userId: bigint | null
  device: string | null
  channelId: number
  timestamp: number
  withTop: boolean
}

// The recommender's page (its exposure logged) and the channel's pinned ids when asked for.
async function feedPage(deps: Deps, options: FeedOptions) {
  await requireChannel(deps, options.channelId)
  const viewer = options.userId?.toString() ?? options.device ?? ''
  const page = await deps.recommender.userRecommend({
    viewer,
    userId: options.userId,
    channelId: options.channelId,
    count: FEED_SIZE,
    timestamp: options.timestamp,
  })
  if (page.items.length > 0) deps.traceLog.write({ exposure: page.exposure })
  const pinned = options.withTop
    ? await pinnedArticleIds(deps, options.channelId).catch(() => [])
    : []
  return { viewer, page, pinned }
}

/** `GET /v1_1/articles`: a page of the recommended feed, pinned articles first when asked. */
export async function feed(deps: Deps, options: FeedOptions) {
  const { viewer, page, pinned } = await feedPage(deps, options)
  const traces = new Map(page.items.map((item) => [item.articleId, item.trace]))
  let top: (ArticleCard & { trace: Trace })[] = []
  if (pinned.length > 0) {
    top = (await articleCards(deps, pinned)).map((card) => ({
      ...card,
      trace: traceFor(viewer, card.art_id, 'top'),
    }))
  }
  const pinnedIds = new Set(top.map((card) => card.art_id))
  const cards = await articleCards(
    deps,
    page.items.map((item) => item.articleId).filter((id) => !pinnedIds.has(id)),
  )
  return {
    pre_timestamp: page.timestamp,
    results: [
      ...top,
      ...cards.map((card) => ({ ...card, trace: traces.get(card.art_id) as Trace })),
    ],
  }
}

/**
 * `feed` as the reply's JSON text (`{message, data}`), byte for byte what the route's schema
 * serializer writes for `ok(feed(…))`, joined from card texts instead of serialized per request.
 */
export async function feedText(deps: Deps, options: FeedOptions): Promise<string> {
  const { viewer, page, pinned } = await feedPage(deps, options)
  const items: string[] = []
  const pinnedIds = new Set<bigint>()
  if (pinned.length > 0) {
    const topTrace = tracesFor(viewer, 'top')
    for (const card of await articleCardTexts(deps, pinned)) {
      pinnedIds.add(card.id)
      items.push(`${card.text},"trace":${traceJson(topTrace(card.id))}}`)
    }
  }
  const traces = new Map(page.items.map((item) => [item.articleId, item.trace]))
  const ids = page.items.map((item) => item.articleId).filter((id) => !pinnedIds.has(id))
  for (const card of await articleCardTexts(deps, ids)) {
    items.push(`${card.text},"trace":${traceJson(traces.get(card.id) as Trace)}}`)
  }
  const timestamp = Number.isInteger(page.timestamp) ? page.timestamp : Math.trunc(page.timestamp)
  return `{"message":"OK","data":{"pre_timestamp":${timestamp},"results":[${items.join(',')}]}}`
}

/** `GET /v1_0/articles`: page-numbered channel list, the channel's pinned articles on page 1. */
export async function channelPage(deps: Deps, channelId: number, page: number, perPage: number) {
  await requireChannel(deps, channelId)
  const stamps = await listChannelArticles(deps.db.read, {
    channelId,
    beforeMs: Date.now(),
    limit: perPage,
    offset: (page - 1) * perPage,
  })
  const pinned = page === 1 ? await pinnedArticleIds(deps, channelId).catch(() => []) : []
  const pinnedSet = new Set(pinned)
  const ids = [...pinned, ...stamps.map((s) => s.id).filter((id) => !pinnedSet.has(id))]
  return { page, per_page: perPage, results: await articleCards(deps, ids) }
}

/** An author's approved articles, a page of them as cards. */
export async function authorArticles(deps: Deps, userId: bigint, page: number, perPage: number) {
  const stamps = await cachedAuthorArticles(deps, userId)
  const start = (page - 1) * perPage
  const ids = stamps.slice(start, start + perPage).map((s) => s.id)
  return {
    total_count: stamps.length,
    page,
    per_page: perPage,
    results: await articleCards(deps, ids),
  }
}

/** Writes a `Trace` header (or reading-duration report) to the trace log for the recommender. */
export function writeTrace(
  deps: Deps,
  trace: string | undefined,
  extra: Record<string, unknown> = {},
) {
  if (!trace) return
  deps.traceLog.write({ actionTime: new Date().toISOString(), param: trace, ...extra })
  // The strategy learns from it too (src/reco/feedback.ts); never delays or fails the request.
  recordTrace(deps, trace, extra).catch((error: unknown) =>
    deps.log.warn({ err: error }, 'trace feedback not recorded'),
  )
}
