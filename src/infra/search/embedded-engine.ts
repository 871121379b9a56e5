import type { Logger } from 'pino'
import { Bm25Index } from './bm25-index.js'
import { PhraseIndex, type PhraseMatches } from './phrase-index.js'
import {
  APPROVED_STATUS,
  SearchUnavailableError,
  type DocumentBatches,
  type SearchDocument,
  type SearchEngine,
  type SearchOptions,
  type SearchPage,
} from './search-engine.js'
import { compactPinyin, hasHan, isPinyinLike, normalizeText, searchTokens } from './text.js'

export interface EmbeddedEngineOptions {
  /** Every approved article, read at start to build the index. */
  load: () => DocumentBatches
  log?: Pick<Logger, 'info' | 'warn' | 'error'>
  /** Characters of each body that are indexed (the title always is, whole). */
  contentChars?: number
  /** How long a search waits for the index being built before answering "unavailable". */
  readyWaitMs?: number
}

/** Relevance of a title word against a body word (the original boosted `title` 2×). */
export const TITLE_BOOST = 2
const DEFAULT_CONTENT_CHARS = 1000
const DEFAULT_READY_WAIT_MS = 2000

/** One complete index: words → articles, the titles held, the suggestion vocabulary. */
interface State {
  words: Bm25Index
  titles: Map<string, string>
  phrases: PhraseIndex
}

function emptyState(): State {
  return { words: new Bm25Index(TITLE_BOOST), titles: new Map(), phrases: new PhraseIndex() }
}

/**
 * The in-process engine of the embedded mode: BM25 over jieba words of the title (boosted) and
 * the start of the body, holding approved articles only, plus a phrase index for suggestions.
 * `start()` builds it from the database in the background (yielding between batches); searches
 * wait briefly for it, then answer "unavailable" until it is ready. (MiniSearch's document index
 * was measured first: several times slower to build and about 5× the memory on 100k articles.)
 */
export class EmbeddedSearchEngine implements SearchEngine {
  readonly kind = 'embedded'
  private state: State = emptyState()
  private ready = false
  private building: Promise<unknown> | undefined
  /** Changes made while a rebuild runs, replayed on the new index before it replaces the old. */
  private pending: Map<string, SearchDocument | null> | undefined
  private rebuilds: Promise<unknown> = Promise.resolve()
  private closed = false
  private readonly contentChars: number
  private readonly readyWaitMs: number

  constructor(private readonly options: EmbeddedEngineOptions) {
    this.contentChars = options.contentChars ?? DEFAULT_CONTENT_CHARS
    this.readyWaitMs = options.readyWaitMs ?? DEFAULT_READY_WAIT_MS
  }

  /** Articles held, and distinct titles and terms known to suggestions. */
  get stats() {
    return { articles: this.state.words.size, phrases: this.state.phrases.size, ready: this.ready }
  }

  start(): void {
    if (this.ready || this.building || this.closed) return
    const started = Date.now()
    this.building = this.rebuild(this.options.load())
      .then((count) => {
        this.options.log?.info({ articles: count, ms: Date.now() - started }, 'search index built')
      })
      .catch((error: unknown) => {
        this.options.log?.error({ err: error }, 'building the search index failed')
      })
      .finally(() => {
        this.building = undefined
      })
  }

  async index(docs: readonly SearchDocument[]): Promise<void> {
    for (const doc of docs) {
      const id = doc.id.toString()
      const approved = doc.status === APPROVED_STATUS
      this.pending?.set(id, approved ? doc : null)
      if (approved) this.add(this.state, doc)
      else this.discard(this.state, id)
    }
  }

  async remove(ids: readonly bigint[]): Promise<void> {
    for (const id of ids) {
      this.pending?.set(id.toString(), null)
      this.discard(this.state, id.toString())
    }
  }

  async search(query: string, { page, perPage }: SearchOptions): Promise<SearchPage> {
    const { words } = await this.current()
    const { total, hits } = words.search(searchTokens(query), page * perPage)
    return {
      total,
      ids: hits.slice((page - 1) * perPage).map((hit) => BigInt(hit.id)),
    }
  }

  async suggest(query: string, limit: number): Promise<string[]> {
    const { phrases } = await this.current()
    const norm = normalizeText(query)
    if (!norm) return []
    const direct = phrases.byPrefix(norm)
    const sounds = isPinyinLike(norm) ? phrases.byPinyinPrefix(compactPinyin(norm)) : none
    let found = merge(direct, sounds)
    if (found.length === 0 && hasHan(norm)) found = merge(phrases.byHomophone(norm), none)
    if (found.length === 0) {
      const corrected = phrases.correct(query)
      if (corrected) found = [corrected, ...merge(phrases.byPrefix(corrected), none)]
    }
    // What the user typed is no suggestion (a term can come back through its pinyin).
    return [...new Set(found)].filter((text) => normalizeText(text) !== norm).slice(0, limit)
  }

  async rebuild(batches: DocumentBatches): Promise<number> {
    const run = this.rebuilds.then(() => this.buildFrom(batches))
    this.rebuilds = run.catch(() => undefined)
    return run
  }

  async close(): Promise<void> {
    this.closed = true
    this.state = emptyState()
    this.ready = false
  }

  private async buildFrom(batches: DocumentBatches): Promise<number> {
    this.pending = new Map()
    try {
      const next = emptyState()
      let count = 0
      for await (const batch of batches) {
        if (this.closed) throw new SearchUnavailableError('the engine was closed')
        for (const doc of batch) {
          if (doc.status !== APPROVED_STATUS) continue
          this.add(next, doc)
          count += 1
        }
        // Let requests run between batches: a large corpus takes seconds to index.
        await new Promise((resolve) => setImmediate(resolve))
      }
      for (const [id, doc] of this.pending) {
        if (doc) this.add(next, doc)
        else this.discard(next, id)
      }
      next.words.trim()
      this.state = next
      this.ready = true
      return count
    } finally {
      this.pending = undefined
    }
  }

  private add(state: State, doc: SearchDocument): void {
    const id = doc.id.toString()
    this.discard(state, id)
    const body = searchTokens(doc.content.slice(0, this.contentChars))
    state.words.add(id, doc.createdMs, searchTokens(doc.title), body)
    state.titles.set(id, doc.title)
    state.phrases.addTitle(doc.title)
  }

  private discard(state: State, id: string): void {
    const title = state.titles.get(id)
    if (title === undefined) return
    state.words.remove(id)
    state.titles.delete(id)
    state.phrases.removeTitle(title)
  }

  /** The built index, waiting a little for a build in progress. */
  private async current(): Promise<State> {
    if (this.ready) return this.state
    if (this.closed) throw new SearchUnavailableError('the engine is closed')
    this.start()
    const building = this.building
    if (building) {
      let timer: NodeJS.Timeout | undefined
      const waited = new Promise((resolve) => {
        timer = setTimeout(resolve, this.readyWaitMs)
        timer.unref()
      })
      await Promise.race([building, waited])
      clearTimeout(timer)
    }
    if (!this.ready) throw new SearchUnavailableError('the search index is still being built')
    return this.state
  }
}

const none: PhraseMatches = { terms: [], titles: [] }

/** Direct matches before pinyin ones; a few terms lead, then titles, then the other terms. */
function merge(direct: PhraseMatches, sounds: PhraseMatches): string[] {
  const LEADING_TERMS = 3
  return [
    ...direct.terms.slice(0, LEADING_TERMS),
    ...direct.titles,
    ...sounds.terms.slice(0, LEADING_TERMS),
    ...sounds.titles,
    ...direct.terms.slice(LEADING_TERMS),
    ...sounds.terms.slice(LEADING_TERMS),
  ]
}
