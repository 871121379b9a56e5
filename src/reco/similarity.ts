import type { Deps } from '../deps.js'
import { cachedArticleContent, cachedArticleInfo } from '../features/articles/articles.cache.js'
import { ARTICLE_STATUS } from '../features/articles/articles.repo.js'
import { toId } from '../infra/db/values.js'
import { segmenter, stripHtml } from '../infra/search/text.js'

/** Articles per channel that similar articles are chosen from (the newest ones). */
export const SIMILAR_POOL = 300
/** How long a channel's index serves before it is rebuilt. */
export const INDEX_TTL_MS = 10 * 60_000
/** Title words count this many times a body word. */
const TITLE_BOOST = 3
/** Body text looked at per article (the start says what it is about). */
const BODY_CHARS = 3000
const MAX_INDEXES = 64

const STOPWORDS = new Set(
  (
    '我们 你们 他们 一个 一些 一种 可以 这个 那个 这些 那些 没有 什么 因为 所以 如果 但是 就是 ' +
    '还是 以及 或者 进行 通过 已经 需要 时候 自己 怎么 如何 为什么 不是 这样 那样 其实 然后 ' +
    '非常 比较 问题 方法 内容 文章 今天 大家 知道 觉得 the and for with that this from are'
  ).split(' '),
)

/** Loads the segmenter's dictionary now rather than on the first request. */
export function warmSegmenter(): void {
  segmenter()
}

/** Words of a text: jieba segments, lower-cased, without punctuation, single characters or stopwords. */
export function words(text: string): string[] {
  return segmenter()
    .cut(text, true)
    .map((word) => word.trim().toLowerCase())
    .filter((word) => word.length >= 2 && /\p{L}/u.test(word) && !STOPWORDS.has(word))
}

/** Plain text of an HTML body, its start only (the start says what it is about). */
export function plainText(html: string): string {
  return stripHtml(html).slice(0, BODY_CHARS)
}

/** An article's text, split into words: the title's count TITLE_BOOST times. */
export interface Document {
  id: bigint
  title: string
  body: string
}

/**
 * A document's TF-IDF vector over its index's vocabulary: term numbers ascending, and their
 * weights. Typed arrays rather than a map of words: a channel's 300 documents held as maps of
 * their own word strings and boxed numbers were about 3 MB of heap per channel.
 */
interface Vector {
  terms: Uint32Array
  weights: Float64Array
}

/** TF-IDF vectors of a set of documents (one channel's recent articles). */
export interface SimilarityIndex {
  readonly size: number
  has(id: bigint): boolean
  /** The most similar documents to `id` (or to `document` when `id` is not indexed), best first. */
  similar(id: bigint, count: number, document?: Document): bigint[]
}

function termCounts(document: Document): Map<string, number> {
  const counts = new Map<string, number>()
  const add = (word: string, by: number) => counts.set(word, (counts.get(word) ?? 0) + by)
  for (const word of words(document.title)) add(word, TITLE_BOOST)
  for (const word of words(plainText(document.body))) add(word, 1)
  return counts
}

/** Builds the index: log-scaled term frequency × smoothed IDF, L2-normalised. */
export function buildIndex(documents: readonly Document[]): SimilarityIndex {
  const counted = documents.map((document) => ({ id: document.id, counts: termCounts(document) }))
  // Every word of the documents gets a number; its document frequency is kept by number.
  const numbers = new Map<string, number>()
  const df: number[] = []
  for (const { counts } of counted) {
    for (const word of counts.keys()) {
      let term = numbers.get(word)
      if (term === undefined) numbers.set(word, (term = df.push(0) - 1))
      df[term]! += 1
    }
  }
  const n = counted.length
  const idf = (term: number | undefined) =>
    Math.log((n + 1) / ((term === undefined ? 0 : df[term]!) + 1)) + 1
  // A word outside the vocabulary (in a query document) counts in its norm, matches nothing.
  const vectorOf = (counts: Map<string, number>): Vector => {
    const entries: [term: number, weight: number][] = []
    let norm = 0
    for (const [word, count] of counts) {
      const term = numbers.get(word)
      const weight = (1 + Math.log(count)) * idf(term)
      if (term !== undefined) entries.push([term, weight])
      norm += weight * weight
    }
    norm = Math.sqrt(norm)
    entries.sort((a, b) => a[0] - b[0])
    const vector = {
      terms: new Uint32Array(entries.length),
      weights: new Float64Array(entries.length),
    }
    for (const [i, [term, weight]] of entries.entries()) {
      vector.terms[i] = term
      vector.weights[i] = norm > 0 ? weight / norm : weight
    }
    return vector
  }
  const vectors = new Map(counted.map(({ id, counts }) => [id, vectorOf(counts)]))
  // An indexed article's answer never changes while the index lives: scored once, then read.
  const answers = new Map<string, bigint[]>()
  const rank = (id: bigint, count: number, query: Vector | undefined): bigint[] => {
    if (!query || query.terms.length === 0) return []
    const scored: { id: bigint; score: number }[] = []
    for (const [other, vector] of vectors) {
      if (other === id) continue
      const score = cosine(query, vector)
      if (score > 0) scored.push({ id: other, score })
    }
    scored.sort((a, b) => b.score - a.score || (b.id > a.id ? 1 : b.id < a.id ? -1 : 0))
    return scored.slice(0, count).map((entry) => entry.id)
  }
  return {
    size: n,
    has: (id) => vectors.has(id),
    similar(id, count, document) {
      const indexed = vectors.get(id)
      if (!indexed) return rank(id, count, document ? vectorOf(termCounts(document)) : undefined)
      const key = `${id}:${count}`
      let answer = answers.get(key)
      if (!answer) answers.set(key, (answer = rank(id, count, indexed)))
      return [...answer]
    },
  }
}

/** The dot product of two vectors: a merge of their ascending term numbers. */
function cosine(a: Vector, b: Vector): number {
  let dot = 0
  let i = 0
  let j = 0
  while (i < a.terms.length && j < b.terms.length) {
    const x = a.terms[i]!
    const y = b.terms[j]!
    if (x === y) dot += a.weights[i++]! * b.weights[j++]!
    else if (x < y) i++
    else j++
  }
  return dot
}

type SimilarDeps = Pick<Deps, 'db' | 'cache'>

/** The newest approved articles of a channel with their text. */
async function channelDocuments(deps: SimilarDeps, channelId: number): Promise<Document[]> {
  const rows = await deps.db.read
    .selectFrom('news_article_basic as a')
    .innerJoin('news_article_content as c', 'c.article_id', 'a.article_id')
    .select(['a.article_id', 'a.title', 'c.content'])
    .where('a.status', '=', ARTICLE_STATUS.approved)
    .where('a.channel_id', '=', channelId)
    .orderBy('a.create_time', 'desc')
    .orderBy('a.article_id', 'desc')
    .limit(SIMILAR_POOL)
    .execute()
  return rows.map((row) => ({ id: toId(row.article_id), title: row.title, body: row.content }))
}

/** Similar articles by content, one cached index per channel (built once per INDEX_TTL_MS). */
export function contentSimilarity(
  deps: SimilarDeps,
  options: { ttlMs?: number; now?: () => number } = {},
) {
  const ttl = options.ttlMs ?? INDEX_TTL_MS
  const now = options.now ?? Date.now
  const indexes = new Map<number, { at: number; index: Promise<SimilarityIndex> }>()
  const indexOf = (channelId: number) => {
    const held = indexes.get(channelId)
    if (held && now() - held.at < ttl) return held.index
    if (!held && indexes.size >= MAX_INDEXES) indexes.delete(indexes.keys().next().value as number)
    const index = channelDocuments(deps, channelId).then(buildIndex)
    indexes.set(channelId, { at: now(), index })
    index.catch(() => indexes.get(channelId)?.index === index && indexes.delete(channelId))
    return index
  }
  return {
    /** Up to `count` approved articles of the same channel, most similar first. */
    async similarArticles(articleId: bigint, count: number): Promise<bigint[]> {
      const info = await cachedArticleInfo(deps, articleId)
      if (!info) return []
      const index = await indexOf(info.ch_id)
      if (index.has(articleId)) return index.similar(articleId, count)
      // An older article than the indexed ones: compared by its own text.
      const body = (await cachedArticleContent(deps, articleId)) ?? ''
      return index.similar(articleId, count, { id: articleId, title: info.title, body })
    },
  }
}
