import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import type { ArticleChange } from '../../infra/events/article-events.js'
import { ARTICLE_STATUS } from './article-status.js'
import { imageSources, sanitizeArticleHtml } from './article-html.js'
import {
  insertArticle,
  isVisibleChannel,
  listSensitiveWords,
  recordSensitiveHits,
  setStatus,
  updateArticle as updateArticleRow,
  type ArticleFields,
} from './lifecycle.repo.js'
import { changeOwnArticle } from './own-article.js'
import { scanSensitiveWords } from './sensitive-words.js'

/** What an author sends for an article (mp `POST/PUT /articles`). */
export interface ArticleInput {
  title: string
  /** HTML; sanitised here before it is stored. */
  content: string
  /** `type` -1 (pick from the content's images), 0, 1 or 3; `images` are public URLs. */
  cover: { type: number; images: string[] }
  channelId: number
  /** true: saved as a draft (0); false: submitted for review (1). */
  draft: boolean
}

type AuthoringDeps = Pick<Deps, 'db' | 'ids' | 'storage' | 'articleEvents'>

const INVALID_ARTICLE = 'Invalid article.'
// Deleted and banned articles stay as they are; someone else's article is refused the same way.
const EDITABLE = {
  allowed: (status: number) =>
    status !== ARTICLE_STATUS.deleted && status !== ARTICLE_STATUS.banned,
  refusal: INVALID_ARTICLE,
}
const DELETABLE_STATUSES: number[] = [
  ARTICLE_STATUS.draft,
  ARTICLE_STATUS.unreviewed,
  ARTICLE_STATUS.failed,
]
const DELETABLE = {
  allowed: (status: number) => DELETABLE_STATUSES.includes(status),
  refusal: INVALID_ARTICLE,
}
const COVER_TYPES = new Set([-1, 0, 1, 3])
const MAX_TITLE = 128

/** Creates an article as a draft (0) or submitted (1); returns its id. */
export async function createArticle(
  deps: AuthoringDeps,
  authorId: bigint,
  input: ArticleInput,
): Promise<bigint> {
  const { fields, content } = await prepare(deps, input)
  const id = deps.ids.nextId()
  await deps.db.write.transaction().execute(async (trx) => {
    await insertArticle(trx, id, authorId, fields, content)
    await recordSubmission(trx, id, fields, content)
  })
  await deps.articleEvents.announce([
    { id, authorId, channelId: fields.channelId, from: null, to: fields.status },
  ])
  return id
}

/**
 * Rewrites an author's own article and sends it back to draft (0) or review (1): an approved
 * article leaves the feed until it is approved again. Deleted and banned articles cannot be
 * edited (400 `Invalid article.`, as for someone else's article).
 */
export async function updateArticle(
  deps: AuthoringDeps,
  authorId: bigint,
  id: bigint,
  input: ArticleInput,
): Promise<void> {
  const { fields, content } = await prepare(deps, input)
  await changeOwnArticle(deps, authorId, id, EDITABLE, async (trx, state) => {
    await updateArticleRow(trx, id, fields, content)
    await recordSubmission(trx, id, fields, content)
    const moved: ArticleChange = {
      id,
      authorId,
      channelId: fields.channelId,
      from: state.status,
      to: fields.status,
    }
    if (state.channelId !== fields.channelId) moved.previousChannelId = state.channelId
    return moved
  })
}

/** The author deletes (soft) an own draft, pending or rejected article; 400 otherwise. */
export async function deleteOwnArticle(
  deps: Pick<Deps, 'db' | 'articleEvents'>,
  authorId: bigint,
  id: bigint,
): Promise<void> {
  await changeOwnArticle(deps, authorId, id, DELETABLE, async (trx, state) => {
    await setStatus(trx, [id], ARTICLE_STATUS.deleted, { deleted: true })
    return {
      id,
      authorId,
      channelId: state.channelId,
      from: state.status,
      to: ARTICLE_STATUS.deleted,
    }
  })
}

// Checks and normalises an author's input: channel, sanitised body, cover of storage keys.
async function prepare(deps: Pick<Deps, 'db' | 'storage'>, input: ArticleInput) {
  if (input.title.length > MAX_TITLE) throw new AppError(400, { title: 'Invalid title param.' })
  if (!(await isVisibleChannel(deps.db.write, input.channelId)))
    throw new AppError(400, { channel_id: 'Invalid channel id.' })
  const content = sanitizeArticleHtml(input.content)
  if (content === '') throw new AppError(400, { content: 'Invalid content param.' })
  const fields: ArticleFields = {
    title: input.title,
    channelId: input.channelId,
    cover: JSON.stringify(coverOf(deps, input.cover, content)),
    status: input.draft ? ARTICLE_STATUS.draft : ARTICLE_STATUS.unreviewed,
  }
  return { fields, content }
}

/**
 * The stored cover: storage keys of our own images. Type -1 takes the content's own images in
 * document order: none → 0, one or two → 1, three or more → 3 (the original picked at random).
 */
function coverOf(
  deps: Pick<Deps, 'storage'>,
  cover: ArticleInput['cover'],
  content: string,
): { type: number; images: string[] } {
  const invalid = () => new AppError(400, { cover: 'Invalid cover param.' })
  if (!COVER_TYPES.has(cover.type)) throw invalid()
  if (cover.type === -1) {
    const keys = imageSources(content).flatMap((src) => deps.storage.keyOf(src) ?? [])
    const unique = [...new Set(keys)]
    if (unique.length >= 3) return { type: 3, images: unique.slice(0, 3) }
    if (unique.length >= 1) return { type: 1, images: unique.slice(0, 1) }
    return { type: 0, images: [] }
  }
  if (cover.images.length !== cover.type) throw invalid()
  const keys = cover.images.map((url) => deps.storage.keyOf(url))
  if (keys.some((key) => key === null)) throw invalid()
  return { type: cover.type, images: keys as string[] }
}

// On submit the text is checked against the sensitive words; a draft keeps no hits.
async function recordSubmission(
  trx: Parameters<typeof recordSensitiveHits>[0],
  id: bigint,
  fields: ArticleFields,
  content: string,
) {
  const submitted = fields.status === ARTICLE_STATUS.unreviewed
  const words = submitted ? await listSensitiveWords(trx) : []
  await recordSensitiveHits(trx, id, scanSensitiveWords(words, fields.title, content))
}
