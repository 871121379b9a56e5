import type { FastifyReply } from 'fastify'
import type { Deps } from '../../deps.js'
import { FRONT_MS } from '../../infra/cache/cache.js'
import {
  commentCounts,
  sharedCommentPage,
  type CommentQuery,
  type SharedCommentItem,
} from './comments.service.js'

/** The reply: its route's serializer (the response schema) writes a whole answer. */
export type SerializeAnswer = Pick<FastifyReply, 'serialize'>

/** A page as every reader gets it, as text: the opening and each comment up to its counts. */
interface SharedText {
  /** The cache version its entries were read at. */
  version: number
  until: number
  ids: bigint[]
  /** Decimal ids, for the viewer's liked set. */
  keys: string[]
  opening: string
  /** Each comment's text up to `"is_top":…,`. */
  items: string[]
}

// A one-comment page with zero counts, written by the route's serializer, is cut at these.
const ITEM_OPENING =
  '{"message":"OK","data":{"total_count":0,"end_id":null,"last_id":null,"results":['
const ITEM_CLOSING = '"like_count":0,"reply_count":0,"is_liking":false}]}}'
const MAX_SHARED = 10_000
const shared = new WeakMap<Pick<Deps, 'cache'>, Map<string, SharedText>>()

const cursorText = (id: bigint | null) => (id === null ? 'null' : id.toString())

/**
 * `GET /comments` as JSON text. The part every reader shares (the page's comments, authors and
 * cursors) is built once and served again while no cache entry changed on this node (any
 * delete, local or from another node, changes the cache's version) for at most the front's
 * second; counts and the viewer's likes are read for each answer.
 */
export async function commentPageText(
  deps: Deps,
  query: CommentQuery,
  viewer: bigint | null,
  serialize: SerializeAnswer,
): Promise<string> {
  const texts = shared.get(deps) ?? new Map<string, SharedText>()
  shared.set(deps, texts)
  const key = `${query.type}|${query.source}|${query.offset}|${query.limit}`
  const held = texts.get(key)
  const text =
    held && held.version === deps.cache.version() && held.until > Date.now()
      ? held
      : await sharedText(deps, texts, key, query, serialize)
  const { likes, replies, liked } = await commentCounts(deps, text.ids, viewer)
  let body = text.opening
  for (let i = 0; i < text.items.length; i++) {
    if (i > 0) body += ','
    body +=
      `${text.items[i]}"like_count":${likes[i] ?? 0},"reply_count":${replies[i] ?? 0},` +
      `"is_liking":${liked.has(text.keys[i]!)}}`
  }
  return `${body}]}}`
}

async function sharedText(
  deps: Deps,
  texts: Map<string, SharedText>,
  key: string,
  query: CommentQuery,
  serialize: SerializeAnswer,
): Promise<SharedText> {
  // Read first: a delete during the reads below leaves the text built from them unused.
  const version = deps.cache.version()
  const page = await sharedCommentPage(deps, query)
  const ids = page.results.map((item) => item.com_id)
  const text: SharedText = {
    version,
    until: Date.now() + FRONT_MS,
    ids,
    keys: ids.map((id) => id.toString()),
    opening:
      `{"message":"OK","data":{"total_count":${page.total_count},` +
      `"end_id":${cursorText(page.end_id)},"last_id":${cursorText(page.last_id)},"results":[`,
    items: page.results.map((item) => itemText(item, serialize)),
  }
  if (texts.size >= MAX_SHARED) texts.clear()
  texts.set(key, text)
  return text
}

function itemText(item: SharedCommentItem, serialize: SerializeAnswer): string {
  const results = [{ ...item, like_count: 0, reply_count: 0, is_liking: false }]
  const data = { total_count: 0, end_id: null, last_id: null, results }
  const full = serialize.serialize({ message: 'OK', data }) as string
  if (!full.startsWith(ITEM_OPENING) || !full.endsWith(ITEM_CLOSING)) {
    throw new Error(`comment page written unexpectedly: ${full.slice(0, 120)}`)
  }
  return full.slice(ITEM_OPENING.length, full.length - ITEM_CLOSING.length)
}
