/** `news_article_basic.status` of an approved article: the only one the app search finds. */
export const APPROVED_STATUS = 2

/** An article as the search engines see it. */
export interface SearchDocument {
  id: bigint
  userId: bigint
  title: string
  /** The body as plain text (HTML stripped). */
  content: string
  status: number
  createdMs: number
}

/** One page of matches: how many there are in all, and this page's article ids, best first. */
export interface SearchPage {
  total: number
  ids: bigint[]
}

export interface SearchOptions {
  /** From 1. */
  page: number
  perPage: number
}

/** Documents in batches, as the `reindex` command and the embedded start-up read them. */
export type DocumentBatches = AsyncIterable<readonly SearchDocument[]>

/**
 * Full-text search over approved articles, with suggestions: in-process (embedded) or a remote
 * Elasticsearch / OpenSearch cluster. Every implementation passes
 * `test/contracts/search-engine.contract.ts`.
 */
export interface SearchEngine {
  /** `embedded`, `elasticsearch` or `opensearch`. */
  readonly kind: string
  /**
   * Starts getting ready in the background (embedded: builds the index from the database; remote:
   * creates missing indexes). Never throws; calling it again does nothing.
   */
  start(): void
  /**
   * Adds or replaces documents. A document that is not approved is removed instead, so callers
   * can pass an article in whatever state it is now.
   */
  index(docs: readonly SearchDocument[]): Promise<void>
  /** Removes documents; unknown ids are ignored. */
  remove(ids: readonly bigint[]): Promise<void>
  /**
   * Approved articles matching the words of `query` (title weighted over content), best first.
   * @throws SearchUnavailableError when the engine cannot answer
   */
  search(query: string, options: SearchOptions): Promise<SearchPage>
  /**
   * Up to `limit` unique suggestions: titles and terms completing `query` (also by pinyin), else
   * a corrected phrase. @throws SearchUnavailableError when the engine cannot answer
   */
  suggest(query: string, limit: number): Promise<string[]>
  /** Replaces the whole index with `docs` (the `reindex` command); returns how many were indexed. */
  rebuild(docs: DocumentBatches): Promise<number>
  /** Releases connections and memory. */
  close(): Promise<void>
}

/** The engine cannot answer now (unreachable, timing out, still building its index). */
export class SearchUnavailableError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`search unavailable: ${reason}`, options)
    this.name = 'SearchUnavailableError'
  }
}
