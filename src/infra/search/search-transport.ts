import { Client as ElasticClient } from '@elastic/elasticsearch'
import { Client as OpenSearchClient } from '@opensearch-project/opensearch'

/** One REST call to the cluster: the same paths and bodies for Elasticsearch and OpenSearch. */
export interface TransportRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE'
  path: string
  body?: Record<string, unknown>
  /** NDJSON lines (`_bulk`). */
  bulkBody?: Record<string, unknown>[]
  querystring?: Record<string, string | number | boolean>
}

export interface TransportOptions {
  /** Status codes answered normally instead of thrown (e.g. 404 of a HEAD). */
  ignore?: number[]
  timeoutMs?: number
}

/**
 * The official client of the configured cluster, reduced to its transport: connection pool,
 * retries, TLS, authentication and (Elasticsearch) the product check stay the client's.
 */
export interface SearchTransport {
  /** `elasticsearch` or `opensearch`. */
  readonly kind: 'elasticsearch' | 'opensearch'
  request<T>(
    request: TransportRequest,
    options?: TransportOptions,
  ): Promise<{ statusCode: number; body: T }>
  close(): Promise<void>
}

/** Default deadline of one request; bulk loads of `reindex` get longer. */
export const REQUEST_TIMEOUT_MS = 5000

// The client's default waits 1 to 4 s before each retry: too long for a search box, where the
// point of a retry is the next node of the cluster.
const quickRetry = (_min: number, _max: number, attempt: number) => 0.05 * attempt

/** Through `@elastic/elasticsearch` (Elasticsearch 9; it refuses to talk to OpenSearch). */
export function elasticTransport(client: ElasticClient): SearchTransport {
  return {
    kind: 'elasticsearch',
    async request<T>(request: TransportRequest, options: TransportOptions = {}) {
      const result = await client.transport.request<T>(request, {
        meta: true,
        ignore: options.ignore,
        requestTimeout: options.timeoutMs ?? REQUEST_TIMEOUT_MS,
        retryBackoff: quickRetry,
      })
      return { statusCode: result.statusCode ?? 0, body: result.body }
    },
    close: () => client.close(),
  }
}

/** Through `@opensearch-project/opensearch` (OpenSearch 1–3). */
export function openSearchTransport(client: OpenSearchClient): SearchTransport {
  return {
    kind: 'opensearch',
    async request<T>(request: TransportRequest, options: TransportOptions = {}) {
      const result = await client.transport.request(request, {
        ignore: options.ignore,
        requestTimeout: options.timeoutMs ?? REQUEST_TIMEOUT_MS,
      })
      return { statusCode: result.statusCode ?? 0, body: result.body as T }
    },
    close: () => client.close(),
  }
}

const OPENSEARCH = /^opensearch\+(https?:\/\/)/

/**
 * The transport for SEARCH_URL: comma-separated node URLs, `http(s)://…` for Elasticsearch or
 * `opensearch+http(s)://…` for OpenSearch (credentials may be given in the URL).
 */
export function transportForUrl(url: string): SearchTransport {
  const nodes = url
    .split(',')
    .map((node) => node.trim())
    .filter(Boolean)
  const common = { requestTimeout: REQUEST_TIMEOUT_MS, maxRetries: 2 }
  if (nodes.some((node) => OPENSEARCH.test(node))) {
    const plain = nodes.map((node) => node.replace(OPENSEARCH, '$1'))
    return openSearchTransport(new OpenSearchClient({ nodes: plain, ...common }))
  }
  return elasticTransport(new ElasticClient({ nodes, ...common }))
}

const UNREACHABLE = new Set([
  'ConnectionError',
  'TimeoutError',
  'NoLivingConnectionsError',
  'RequestAbortedError',
  'ProductNotSupportedError',
])

/**
 * Whether an error of either client means "the cluster cannot answer now" (down, timing out,
 * overloaded, index missing) rather than a bad request.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  if (UNREACHABLE.has(error.name)) return true
  const statusCode = errorMeta(error).statusCode
  if (statusCode === undefined) return false
  return statusCode >= 500 || statusCode === 429 || isIndexMissing(error)
}

/** Whether the cluster answered that the index does not exist. */
export function isIndexMissing(error: unknown): boolean {
  const body = errorMeta(error).body as { error?: { type?: string } } | undefined
  return body?.error?.type === 'index_not_found_exception'
}

function errorMeta(error: unknown): { statusCode?: number; body?: unknown } {
  return (error as { meta?: { statusCode?: number; body?: unknown } } | null)?.meta ?? {}
}
