import type { Logger } from 'pino'
import {
  ARTICLES_INDEX,
  ARTICLES_INDEX_BODY,
  COMPLETIONS_INDEX,
  COMPLETIONS_INDEX_BODY,
} from './elasticsearch-mappings.js'
import {
  APPROVED_STATUS,
  SearchUnavailableError,
  type DocumentBatches,
  type SearchDocument,
  type SearchEngine,
  type SearchOptions,
  type SearchPage,
} from './search-engine.js'
import {
  isIndexMissing,
  isUnavailable,
  type SearchTransport,
  type TransportOptions,
  type TransportRequest,
} from './search-transport.js'
import {
  completionBody,
  deleteLines,
  indexLines,
  optionTexts,
  pageOf,
  phraseBody,
  searchBody,
  type SearchReply,
} from './elasticsearch-requests.js'
import {
  compactPinyin,
  hasHan,
  isPinyinLike,
  normalizeText,
  pinyinKeys,
  segmented,
  unsegment,
} from './text.js'

/** Elasticsearch's default `index.max_result_window`: hits beyond it cannot be paged to. */
const MAX_RESULT_WINDOW = 10_000
const BULK_TIMEOUT_MS = 60_000

interface BulkReply {
  errors?: boolean
  items?: Record<string, { status?: number; error?: { type?: string; reason?: string } }>[]
}

export interface ElasticsearchEngineOptions {
  log?: Pick<Logger, 'info' | 'warn'>
  /** Every approved article: loaded in the background into indexes this process created. */
  load?: () => DocumentBatches
}

/**
 * Search on Elasticsearch 9 or OpenSearch, with the original's indexes and query shapes
 * (API.md §9): `articles` searched with a bool query (title^2 + content, filter status 2),
 * `completions` for completion suggestions, the phrase suggester for spelling correction.
 * Text and queries are cut into words here with jieba, like the embedded engine does.
 */
export class ElasticsearchEngine implements SearchEngine {
  readonly kind: string
  private readonly log: Pick<Logger, 'info' | 'warn'> | undefined
  /** Index creation, once per process (reset when it fails, to retry). */
  private ensured: Promise<void> | undefined

  constructor(
    private readonly transport: SearchTransport,
    private readonly options: ElasticsearchEngineOptions = {},
  ) {
    this.kind = transport.kind
    this.log = options.log
  }

  start(): void {
    this.ensureIndexes().catch((error: unknown) => {
      this.log?.warn({ err: error }, 'search indexes could not be checked; retrying on next write')
    })
  }

  async index(docs: readonly SearchDocument[]): Promise<void> {
    if (docs.length === 0) return
    const now = Date.now()
    const lines = docs.flatMap((doc) =>
      doc.status === APPROVED_STATUS ? indexLines(doc, now) : deleteLines(doc.id),
    )
    await this.bulk(lines)
  }

  async remove(ids: readonly bigint[]): Promise<void> {
    if (ids.length === 0) return
    await this.bulk(ids.flatMap(deleteLines))
  }

  async search(query: string, { page, perPage }: SearchOptions): Promise<SearchPage> {
    const words = segmented(query)
    if (!words) return { total: 0, ids: [] }
    const from = (page - 1) * perPage
    const inWindow = from < MAX_RESULT_WINDOW
    const reply = await this.call<SearchReply>({
      method: 'POST',
      path: `/${ARTICLES_INDEX}/_search`,
      body: searchBody(
        words,
        inWindow ? from : 0,
        inWindow ? Math.min(perPage, MAX_RESULT_WINDOW - from) : 0,
      ),
    })
    return pageOf(reply)
  }

  async suggest(query: string, limit: number): Promise<string[]> {
    const norm = normalizeText(query)
    if (!norm) return []
    const pinyinLike = isPinyinLike(norm)
    // Pinyin-like queries also complete the pinyin inputs; a Chinese query's own pinyin finds
    // titles that sound the same when it completes nothing (人工只能 → 人工智能…).
    const letters = pinyinLike ? compactPinyin(norm) : hasHan(norm) ? pinyinKeys(norm, 50).full : ''
    const reply = await this.call<SearchReply>({
      method: 'POST',
      path: `/${COMPLETIONS_INDEX}/_search`,
      body: completionBody(norm, letters && letters !== norm ? letters : undefined, limit),
    })
    const direct = optionTexts(reply, 'word-completion', true)
    const sounds = optionTexts(reply, 'pinyin-completion', true)
    let found = pinyinLike ? [...direct, ...sounds] : direct.length > 0 ? direct : sounds
    if (found.length === 0) found = await this.correct(query)
    return [...new Set(found)].slice(0, limit)
  }

  async rebuild(batches: DocumentBatches): Promise<number> {
    await this.ensureIndexes()
    // Everything written from now on carries a later `index_time` than anything before.
    const started = Date.now() + 1
    while (Date.now() < started) await new Promise((resolve) => setTimeout(resolve, 1))
    let count = 0
    for await (const batch of batches) {
      const approved = batch.filter((doc) => doc.status === APPROVED_STATUS)
      if (approved.length === 0) continue
      await this.bulk(
        approved.flatMap((doc) => indexLines(doc, Date.now())),
        false,
      )
      count += approved.length
    }
    // Whatever this run did not rewrite is gone from the database (or was never approved).
    await this.call(
      {
        method: 'POST',
        path: `/${ARTICLES_INDEX},${COMPLETIONS_INDEX}/_delete_by_query`,
        querystring: { conflicts: 'proceed', refresh: true },
        body: { query: { range: { index_time: { lt: started } } } },
      },
      { timeoutMs: BULK_TIMEOUT_MS },
    )
    return count
  }

  async close(): Promise<void> {
    await this.transport.close()
  }

  /** The phrase suggester's correction of the query, made of words found in titles. */
  private async correct(query: string): Promise<string[]> {
    const text = segmented(query)
    if (!text) return []
    const reply = await this.call<SearchReply>({
      method: 'POST',
      path: `/${ARTICLES_INDEX}/_search`,
      body: phraseBody(text),
    })
    return optionTexts(reply, 'word-phrase', false).map(unsegment)
  }

  /**
   * Creates `articles` and `completions` when missing (once per process, retried on failure),
   * and fills them in the background when this process created them.
   */
  private ensureIndexes(): Promise<void> {
    this.ensured ??= (async () => {
      let created = false
      for (const [index, body] of [
        [ARTICLES_INDEX, ARTICLES_INDEX_BODY],
        [COMPLETIONS_INDEX, COMPLETIONS_INDEX_BODY],
      ] as const) {
        const head = await this.transport.request(
          { method: 'HEAD', path: `/${index}` },
          { ignore: [404] },
        )
        if (head.statusCode !== 404) continue
        // Another node may create it at the same moment: "already exists" is success.
        await this.transport
          .request({ method: 'PUT', path: `/${index}`, body }, { ignore: [400] })
          .then((reply) => {
            const type = (reply.body as { error?: { type?: string } } | undefined)?.error?.type
            if (reply.statusCode === 400 && type !== 'resource_already_exists_exception') {
              throw new Error(`creating index ${index} failed: ${JSON.stringify(reply.body)}`)
            }
            created ||= reply.statusCode < 300
          })
      }
      if (created && this.options.load) this.fill(this.options.load)
    })().catch((error: unknown) => {
      this.ensured = undefined
      throw isUnavailable(error)
        ? new SearchUnavailableError('cannot create indexes', { cause: error })
        : error
    })
    return this.ensured
  }

  private fill(load: () => DocumentBatches): void {
    const started = Date.now()
    this.rebuild(load()).then(
      (articles) =>
        this.log?.info({ articles, ms: Date.now() - started }, 'new search indexes filled'),
      (error: unknown) =>
        this.log?.warn({ err: error }, 'filling new search indexes failed; run `reindex`'),
    )
  }

  /** Live changes (a few lines) wait for visibility and keep the short deadline; loads do not. */
  private async bulk(lines: Record<string, unknown>[], live = true) {
    await this.ensureIndexes()
    const reply = await this.call<BulkReply>(
      {
        method: 'POST',
        path: '/_bulk',
        bulkBody: lines,
        ...(live ? { querystring: { refresh: 'wait_for' } } : {}),
      },
      live ? {} : { timeoutMs: BULK_TIMEOUT_MS },
    )
    if (!reply.errors) return
    const failed = (reply.items ?? [])
      .flatMap((item) => Object.values(item))
      .filter((result) => result.error)
    const retryable = failed.every(
      (result) => (result.status ?? 0) === 429 || (result.status ?? 0) >= 500,
    )
    const first = failed[0]?.error
    const message = `${failed.length} bulk operations failed: ${first?.type}: ${first?.reason}`
    throw retryable ? new SearchUnavailableError(message) : new Error(message)
  }

  private async call<T>(request: TransportRequest, options?: TransportOptions): Promise<T> {
    try {
      return (await this.transport.request<T>(request, options)).body
    } catch (error) {
      // An index deleted (or never created) under a running app: create it again.
      if (isIndexMissing(error)) this.start()
      if (isUnavailable(error)) {
        throw new SearchUnavailableError(`${request.method} ${request.path}`, { cause: error })
      }
      throw error
    }
  }
}
