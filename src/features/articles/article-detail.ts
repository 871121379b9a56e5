import type { FastifyReply } from 'fastify'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { FRONT_MS } from '../../infra/cache/cache.js'
import { COUNTERS } from '../../infra/store/counters.js'
import { recordReading } from '../history/reading-history.js'
import { attitudeTo } from '../interactions/attitudes.cache.js'
import { isCollected } from '../interactions/collections.cache.js'
import { RELATION } from '../social/relations.repo.js'
import { relationTo } from '../social/relations.cache.js'
import { cachedUser } from '../users/users.cache.js'
import { photoUrl } from '../users/users.service.js'
import { cachedArticleContent, cachedArticleInfo } from './articles.cache.js'

const SIMILAR_COUNT = 10

/** The reply: its route's serializer (the response schema) writes a whole answer. */
export type SerializeAnswer = Pick<FastifyReply, 'serialize'>

/** A detail answer as JSON text, and its channel (for the trace log). */
export interface DetailAnswer {
  text: string
  chId: number
}

/** What every reader of an article is answered, as text on both sides of the reader's state. */
interface SharedText {
  /** The cache version its entries were read at. */
  version: number
  until: number
  authorId: bigint
  chId: number
  /** Up to `ch_id`'s value. */
  head: string
  /** From `"recomments"` to the end. */
  tail: string
}

// Written with a reader state no real answer leaves out, then cut out of the text: inside JSON
// strings a quote is always escaped, so this can only be the fields themselves.
const READER_SLOT = ',"is_followed":false,"attitude":null,"is_collected":false,'
const MAX_SHARED = 10_000
const shared = new WeakMap<Pick<Deps, 'cache'>, Map<bigint, SharedText>>()

/**
 * `GET /v1_0/articles/:id`: the answer's text, recording the read in history and counters. The
 * part every reader shares is built once and served again while no cache entry changed on this
 * node (any delete, local or from another node, changes the cache's version) for at most the
 * front's second; the reader's follow, attitude and collection are read for each answer.
 */
export async function articleDetail(
  deps: Deps,
  articleId: bigint | null,
  userId: bigint | null,
  serialize: SerializeAnswer,
): Promise<DetailAnswer> {
  if (articleId === null) throw new AppError(404, 'The article does not exist.')
  const texts = shared.get(deps) ?? new Map<bigint, SharedText>()
  shared.set(deps, texts)
  const held = texts.get(articleId)
  const text =
    held && held.version === deps.cache.version() && held.until > Date.now()
      ? held
      : await sharedText(deps, texts, articleId, serialize)
  // An anonymous reader's state is the slot as written: not followed, no attitude, not collected.
  const reader =
    userId === null ? READER_SLOT : await readerSlot(deps, userId, articleId, text.authorId)
  await recordRead(deps, articleId, text.authorId, userId)
  return { text: text.head + reader + text.tail, chId: text.chId }
}

async function readerSlot(deps: Deps, userId: bigint, articleId: bigint, authorId: bigint) {
  const [relation, attitude, collected] = await Promise.all([
    relationTo(deps, userId, authorId),
    attitudeTo(deps, userId, articleId),
    isCollected(deps, userId, articleId),
  ])
  const followed = relation === RELATION.follow
  return `,"is_followed":${followed},"attitude":${attitude},"is_collected":${collected},`
}

async function sharedText(
  deps: Deps,
  texts: Map<bigint, SharedText>,
  articleId: bigint,
  serialize: SerializeAnswer,
): Promise<SharedText> {
  // Read first: a delete during the reads below leaves the text built from them unused.
  const version = deps.cache.version()
  const info = await cachedArticleInfo(deps, articleId)
  if (!info) throw new AppError(404, 'The article does not exist.')
  const id = info.art_id
  const [content, author, similar] = await Promise.all([
    cachedArticleContent(deps, id),
    cachedUser(deps, info.aut_id),
    similarArticles(deps, id),
  ])
  const data = {
    art_id: id,
    title: info.title,
    pubdate: info.pubdate,
    content: content ?? '',
    aut_id: info.aut_id,
    aut_name: author?.name ?? '',
    aut_photo: photoUrl(deps, author ?? { photo: '' }),
    ch_id: info.ch_id,
    is_followed: false,
    attitude: null,
    is_collected: false,
    recomments: similar,
  }
  const full = serialize.serialize({ message: 'OK', data }) as string
  const slot = full.lastIndexOf(READER_SLOT)
  const text: SharedText = {
    version,
    until: Date.now() + FRONT_MS,
    authorId: info.aut_id,
    chId: info.ch_id,
    head: full.slice(0, slot),
    tail: full.slice(slot + READER_SLOT.length),
  }
  if (texts.size >= MAX_SHARED) texts.clear()
  texts.set(articleId, text)
  return text
}

async function similarArticles(deps: Deps, id: bigint) {
  try {
    const ids = await deps.recommender.similarArticles(id, SIMILAR_COUNT)
    const infos = await Promise.all(ids.map((similar) => cachedArticleInfo(deps, similar)))
    return infos.flatMap((info) => (info ? [{ art_id: info.art_id, title: info.title }] : []))
  } catch (error) {
    deps.log.warn({ err: error }, 'similar articles unavailable')
    return []
  }
}

// Side effects of a read never fail the read itself. Only the history is waited for: with Redis,
// until its write has left, so that the reader's next request, on any node, finds it.
async function recordRead(deps: Deps, id: bigint, authorId: bigint, userId: bigint | null) {
  const failed = (error: unknown) => deps.log.warn({ err: error }, 'reading record failed')
  deps.counters.add(COUNTERS.articleReading, id).catch(failed)
  deps.counters.add(COUNTERS.userArticlesReading, authorId).catch(failed)
  deps.activity.record({ kind: 'read', userId }).catch(failed)
  if (userId !== null) await recordReading(deps, userId, id).catch(failed)
}
