import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { Client } from '@elastic/elasticsearch'
import type * as MockModule from '@elastic/elasticsearch-mock'
import { CORPUS } from './contracts/search-engine.contract.js'

/**
 * A stand-in for an Elasticsearch / OpenSearch cluster, for the adapter's tests. No search
 * server can run on these machines, so this is what the tests talk to, through the official
 * client's mock transport (@elastic/elasticsearch-mock) or through a local HTTP server (the
 * OpenSearch client). Replies follow the documented response formats of Elasticsearch 8/9.
 *
 * What it proves and what it cannot:
 * - It checks the requests the adapter sends: paths, query strings, the exact search body,
 *   NDJSON bulk lines against the index mappings (`dynamic: strict`), suggester shapes.
 * - Storage, the status filter, paging, `_delete_by_query` on `index_time`, and completion
 *   suggestions (prefix match on the stored inputs, the title from `_source`) are simulated:
 *   they are plain rules that real clusters follow.
 * - Relevance ranking and phrase corrections are RECORDED, hand-written in ES's response format
 *   for the contract corpus: the order a real cluster would give was reasoned out (BM25 over the
 *   segmented words), not captured from a live cluster. A real cluster may rank differently.
 */

interface Hit {
  id: bigint
  score: number
}

/** Recorded rankings of the contract corpus, by the segmented query the adapter must send. */
const RANKINGS: Record<string, Hit[]> = {
  // Both words in the title (short title first), then the unapproved ones (filtered by status
  // if they were ever indexed), then 架构 in the title with 缓存 only in the body.
  '缓存 架构': [
    { id: CORPUS.redisCache.id, score: 3.1843 },
    { id: CORPUS.draft.id, score: 3.0125 },
    { id: CORPUS.cacheDesign.id, score: 2.8719 },
    { id: CORPUS.deleted.id, score: 2.7502 },
    { id: CORPUS.availability.id, score: 0.9366 },
  ],
  '量子 纠缠': [],
  泛型: [{ id: CORPUS.goGenerics.id, score: 1.3862 }],
}

/** Recorded phrase-suggester corrections, by the segmented text sent. */
const CORRECTIONS: Record<string, string> = { reids: 'redis' }

/** One request as the cluster receives it. */
export interface FakeRequest {
  method: string
  path: string
  querystring: Record<string, string>
  body: unknown
}

type Source = Record<string, unknown>
type Reply = { statusCode: number; body: unknown }

const error = (statusCode: number, type: string, reason: string): Reply => ({
  statusCode,
  body: { error: { root_cause: [{ type, reason }], type, reason }, status: statusCode },
})
const shards = { total: 1, successful: 1, skipped: 0, failed: 0 }

/** The cluster's state and rules; see the file comment. */
export class SearchClusterFake {
  readonly requests: FakeRequest[] = []
  /** When set, every request fails at the connection level. */
  down = false
  /** When set, every request answers this status (e.g. 503 while a cluster recovers). */
  failWith: number | undefined
  private readonly indexes = new Map<string, { body: Source; docs: Map<string, Source> }>()

  /** The stored source of a document, or undefined. */
  stored(index: string, id: string): Source | undefined {
    return this.indexes.get(index)?.docs.get(id)
  }

  /** The body an index was created with. */
  created(index: string): Source | undefined {
    return this.indexes.get(index)?.body
  }

  /** Answers one request; `unreachable` when the cluster is down. */
  handle(request: FakeRequest): Reply | 'unreachable' {
    this.requests.push(request)
    if (this.down) return 'unreachable'
    if (this.failWith) return error(this.failWith, 'cluster_block_exception', 'unavailable')
    const { method, path } = request
    const parts = path.split('/').filter(Boolean)
    if (parts.length === 1 && method === 'HEAD') {
      return { statusCode: this.indexes.has(parts[0] as string) ? 200 : 404, body: '' }
    }
    if (parts.length === 1 && method === 'PUT')
      return this.createIndex(parts[0] as string, request.body as Source)
    if (path === '/_bulk' && method === 'POST') return this.bulk(request.body as Source[])
    if (parts[1] === '_search' && method === 'POST')
      return this.search(parts[0] as string, request.body as Source)
    if (parts[1] === '_delete_by_query' && method === 'POST') {
      return this.deleteByQuery((parts[0] as string).split(','), request.body as Source)
    }
    return error(400, 'illegal_argument_exception', `no handler for ${method} ${path}`)
  }

  private createIndex(index: string, body: Source): Reply {
    if (this.indexes.has(index)) {
      return error(400, 'resource_already_exists_exception', `index [${index}] already exists`)
    }
    this.indexes.set(index, { body, docs: new Map() })
    return { statusCode: 200, body: { acknowledged: true, shards_acknowledged: true, index } }
  }

  private bulk(lines: Source[]): Reply {
    const items: Source[] = []
    for (let i = 0; i < lines.length; i++) {
      const [action, meta] = Object.entries(lines[i] as Source)[0] as [string, Source]
      const index = this.indexes.get(meta['_index'] as string)
      const id = String(meta['_id'])
      const base = {
        _index: meta['_index'],
        _id: id,
        _version: 1,
        _shards: { total: 2, successful: 1, failed: 0 },
        _seq_no: i,
        _primary_term: 1,
      }
      if (!index) {
        items.push({
          [action]: {
            _index: meta['_index'],
            _id: id,
            status: 404,
            error: { type: 'index_not_found_exception', reason: 'no such index' },
          },
        })
        if (action === 'index') i += 1
        continue
      }
      if (action === 'delete') {
        const found = index.docs.delete(id)
        items.push({
          delete: { ...base, result: found ? 'deleted' : 'not_found', status: found ? 200 : 404 },
        })
        continue
      }
      const source = lines[++i] as Source
      const properties = (index.body['mappings'] as { properties: Source }).properties
      const unknown = Object.keys(source).filter((field) => !(field in properties))
      if (unknown.length > 0) {
        items.push({
          index: {
            _index: meta['_index'],
            _id: id,
            status: 400,
            error: {
              type: 'strict_dynamic_mapping_exception',
              reason: `mapping set to strict, dynamic introduction of [${unknown[0]}] is not allowed`,
            },
          },
        })
        continue
      }
      const existed = index.docs.has(id)
      index.docs.set(id, source)
      items.push({
        index: { ...base, result: existed ? 'updated' : 'created', status: existed ? 200 : 201 },
      })
    }
    return {
      statusCode: 200,
      body: {
        errors: items.some((item) => 'error' in (Object.values(item)[0] as Source)),
        took: 3,
        items,
      },
    }
  }

  private search(indexName: string, body: Source): Reply {
    const index = this.indexes.get(indexName)
    if (!index) return error(404, 'index_not_found_exception', `no such index [${indexName}]`)
    if (body['suggest']) return this.suggest(index.docs, body)
    const query = (body['query'] as any)?.bool?.must?.[0]?.multi_match?.query as string
    const expected = {
      from: body['from'],
      size: body['size'],
      _source: false,
      track_total_hits: true,
      query: {
        bool: {
          must: [{ multi_match: { query, fields: ['title^2', 'content'] } }],
          filter: [{ term: { status: 2 } }],
        },
      },
    }
    if (JSON.stringify(body) !== JSON.stringify(expected)) {
      return error(400, 'parsing_exception', `unexpected search body ${JSON.stringify(body)}`)
    }
    const recorded = RANKINGS[query]
    if (!recorded) return error(400, 'no_recording', `no recorded ranking for "${query}"`)
    const hits = recorded.filter((hit) => index.docs.get(hit.id.toString())?.['status'] === 2)
    const from = body['from'] as number
    const page = hits.slice(from, from + (body['size'] as number))
    return {
      statusCode: 200,
      body: {
        took: 4,
        timed_out: false,
        _shards: shards,
        hits: {
          total: { value: hits.length, relation: 'eq' },
          max_score: page[0]?.score ?? null,
          hits: page.map((hit) => ({
            _index: indexName,
            _id: hit.id.toString(),
            _score: hit.score,
          })),
        },
      },
    }
  }

  private suggest(docs: Map<string, Source>, body: Source): Reply {
    const suggest = body['suggest'] as Record<string, any>
    const out: Record<string, unknown> = {}
    for (const [name, spec] of Object.entries(suggest)) {
      if (name === 'text') continue
      if (spec.completion) out[name] = [this.complete(docs, spec, body['_source'])]
      else if (spec.phrase) out[name] = [this.phrase(docs, suggest['text'] as string, spec.phrase)]
      else throw new Error(`unexpected suggester ${JSON.stringify(spec)}`)
    }
    return {
      statusCode: 200,
      body: {
        took: 2,
        timed_out: false,
        _shards: shards,
        hits: { total: { value: docs.size, relation: 'eq' }, max_score: null, hits: [] },
        suggest: out,
      },
    }
  }

  /** The completion suggester: inputs starting with the prefix (lower-cased), one per document. */
  private complete(docs: Map<string, Source>, spec: any, sourceFilter: unknown) {
    const prefix = String(spec.prefix).toLowerCase()
    if (spec.completion.field !== 'suggest') throw new Error('completion on an unknown field')
    const options: Source[] = []
    for (const [id, source] of docs) {
      const inputs = ((source['suggest'] as { input: string[] }).input ?? []).map((i) =>
        i.toLowerCase(),
      )
      const text = inputs.filter((input) => input.startsWith(prefix)).sort()[0]
      if (text === undefined) continue
      const filtered = Array.isArray(sourceFilter)
        ? Object.fromEntries(sourceFilter.map((f: string) => [f, source[f]]))
        : source
      options.push({ text, _index: 'completions', _id: id, _score: 1.0, _source: filtered })
    }
    options.sort((a, b) => String(a['text']).localeCompare(String(b['text'])))
    const unique = spec.completion.skip_duplicates
      ? options.filter((option, i) => options.findIndex((o) => o['text'] === option['text']) === i)
      : options
    return {
      text: spec.prefix,
      offset: 0,
      length: String(spec.prefix).length,
      options: unique.slice(0, spec.completion.size ?? 5),
    }
  }

  /** The phrase suggester: a recorded correction, kept only if a stored title has the phrase (collate). */
  private phrase(docs: Map<string, Source>, text: string, spec: any) {
    if (spec.field !== 'title.shingles' || !spec.collate?.query?.source?.match_phrase) {
      throw new Error(`unexpected phrase suggester ${JSON.stringify(spec)}`)
    }
    const corrected = CORRECTIONS[text]
    const matches =
      corrected !== undefined &&
      [...docs.values()].some((source) =>
        ` ${String(source['title']).toLowerCase()} `.includes(` ${corrected} `),
      )
    return {
      text,
      offset: 0,
      length: text.length,
      options: matches ? [{ text: corrected, score: 0.0374 }] : [],
    }
  }

  private deleteByQuery(indexes: string[], body: Source): Reply {
    const lt = (body as any)?.query?.range?.index_time?.lt
    if (typeof lt !== 'number')
      return error(400, 'parsing_exception', 'expected a range on index_time')
    let deleted = 0
    for (const name of indexes) {
      const index = this.indexes.get(name)
      if (!index) return error(404, 'index_not_found_exception', `no such index [${name}]`)
      for (const [id, source] of index.docs) {
        if ((source['index_time'] as number) < lt) {
          index.docs.delete(id)
          deleted += 1
        }
      }
    }
    return {
      statusCode: 200,
      body: {
        took: 12,
        timed_out: false,
        total: deleted,
        deleted,
        batches: 1,
        version_conflicts: 0,
        noops: 0,
        retries: { bulk: 0, search: 0 },
        throttled_millis: 0,
        requests_per_second: -1.0,
        throttled_until_millis: 0,
        failures: [],
      },
    }
  }
}

// The mock (CommonJS) checks `instanceof` against the CommonJS build of the client's error
// classes; the ESM build has its own copies.
const require = createRequire(import.meta.url)
const { errors } = require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch')
// Its typings declare an ES default export; at run time `module.exports` is the class itself.
const Mock = require('@elastic/elasticsearch-mock') as typeof MockModule.default.default

/** An Elasticsearch client whose transport is the official mock, answering from the fake. */
export function mockedElasticClient(fake: SearchClusterFake): Client {
  const mock = new Mock()
  mock.add({ method: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'], path: ['/', '/*'] }, (params) => {
    const reply = fake.handle({
      method: String(params.method),
      path: String(params.path),
      querystring: params.querystring as Record<string, string>,
      body: params.body,
    })
    if (reply === 'unreachable')
      return new errors.ConnectionError('connect ECONNREFUSED 10.0.0.9:9200')
    if (reply.statusCode >= 400) {
      return new errors.ResponseError({
        body: reply.body,
        statusCode: reply.statusCode,
        headers: {},
        warnings: null,
        meta: {} as never,
      })
    }
    return reply.body as never
  })
  // The connection class comes from the client's CommonJS build; the ESM client takes it as is.
  const Connection = mock.getConnection() as unknown as ConstructorParameters<
    typeof Client
  >[0]['Connection']
  return new Client({ node: 'http://localhost:9200', Connection, maxRetries: 0 })
}

/** The fake behind a local HTTP server (for the OpenSearch client, which the mock cannot drive). */
export async function serveFake(
  fake: SearchClusterFake,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake')
      const text = Buffer.concat(chunks).toString('utf8')
      const ndjson = String(request.headers['content-type']).includes('ndjson')
      const body = !text
        ? null
        : ndjson
          ? text
              .split('\n')
              .filter(Boolean)
              .map((line) => JSON.parse(line))
          : JSON.parse(text)
      const reply = fake.handle({
        method: request.method ?? 'GET',
        path: url.pathname,
        querystring: Object.fromEntries(url.searchParams),
        body,
      })
      if (reply === 'unreachable') return request.socket.destroy()
      const payload = reply.body === '' ? '' : JSON.stringify(reply.body)
      response.writeHead(reply.statusCode, { 'content-type': 'application/json; charset=UTF-8' })
      response.end(request.method === 'HEAD' ? undefined : payload)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
