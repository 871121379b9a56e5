/**
 * The Elasticsearch / OpenSearch adapter against a fake cluster (test/search-cluster-fake.ts):
 * through the Elasticsearch client's official mock transport, and through the OpenSearch client
 * over real HTTP to a local server. What this proves: the requests the adapter sends (paths,
 * bodies, NDJSON lines valid against the mappings) and how it reads documented responses and
 * errors. What it cannot prove: relevance ranking and phrase corrections of a real cluster, which
 * the fake replays from hand-written recordings.
 */
import { Client as OpenSearchClient } from '@opensearch-project/opensearch'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { CORPUS, searchEngineContract } from '../../../test/contracts/search-engine.contract.js'
import {
  mockedElasticClient,
  SearchClusterFake,
  serveFake,
} from '../../../test/search-cluster-fake.js'
import { loadConfig } from '../../config.js'
import { ARTICLES_INDEX_BODY, COMPLETIONS_INDEX_BODY } from './elasticsearch-mappings.js'
import { ElasticsearchEngine } from './elasticsearch-engine.js'
import { SearchUnavailableError } from './search-engine.js'
import {
  elasticTransport,
  openSearchTransport,
  transportForUrl,
  type SearchTransport,
} from './search-transport.js'

searchEngineContract('elasticsearch (official mock transport, recorded responses)', async () => {
  const engine = new ElasticsearchEngine(
    elasticTransport(mockedElasticClient(new SearchClusterFake())),
  )
  // The mock's connection class has no close(): nothing to release.
  return { engine, close: async () => undefined }
})

searchEngineContract(
  'opensearch (client over HTTP to a local fake, recorded responses)',
  async () => {
    const server = await serveFake(new SearchClusterFake())
    const client = new OpenSearchClient({ node: server.url, maxRetries: 0 })
    const engine = new ElasticsearchEngine(openSearchTransport(client))
    return {
      engine,
      async close() {
        await engine.close()
        await server.close()
      },
    }
  },
)

async function* one(...docs: (typeof CORPUS)[keyof typeof CORPUS][]) {
  yield docs
}

describe('elasticsearch adapter requests', () => {
  let fake: SearchClusterFake
  let engine: ElasticsearchEngine
  beforeEach(() => {
    fake = new SearchClusterFake()
    engine = new ElasticsearchEngine(elasticTransport(mockedElasticClient(fake)))
  })
  const sent = (path: string) => fake.requests.filter((r) => r.path === path)

  it('creates the two indexes with their mappings once, and not when they exist', async () => {
    engine.start()
    await expect.poll(() => fake.created('completions')).toBeDefined()
    expect(fake.created('articles')).toEqual(ARTICLES_INDEX_BODY)
    expect(fake.created('completions')).toEqual(COMPLETIONS_INDEX_BODY)
    await engine.index([CORPUS.goGenerics])
    expect(fake.requests.filter((r) => r.method === 'PUT')).toHaveLength(2)

    const second = new ElasticsearchEngine(elasticTransport(mockedElasticClient(fake)))
    const before = fake.requests.length
    await second.index([CORPUS.goGenerics])
    expect(fake.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([
      'HEAD /articles',
      'HEAD /completions',
      'POST /_bulk',
    ])
  })

  it('fills the indexes it created from the database, and only those', async () => {
    let loads = 0
    const load = () => {
      loads += 1
      return one(CORPUS.goGenerics, CORPUS.draft)
    }
    new ElasticsearchEngine(elasticTransport(mockedElasticClient(fake)), { load }).start()
    await expect.poll(() => fake.stored('articles', CORPUS.goGenerics.id.toString())).toBeDefined()
    expect(fake.stored('articles', CORPUS.draft.id.toString())).toBeUndefined()
    new ElasticsearchEngine(elasticTransport(mockedElasticClient(fake)), { load }).start()
    await expect.poll(() => fake.requests.filter((r) => r.method === 'HEAD').length).toBe(4)
    expect(loads).toBe(1)
  })

  it('bulk-indexes segmented text, exact ids and pinyin completion inputs, visible on return', async () => {
    await engine.index([CORPUS.deepLearning, CORPUS.draft])
    const [bulk] = sent('/_bulk')
    expect(bulk?.querystring).toEqual({ refresh: 'wait_for' })
    const id = CORPUS.deepLearning.id.toString()
    expect(bulk?.body).toEqual([
      { index: { _index: 'articles', _id: id } },
      {
        article_id: id,
        user_id: CORPUS.deepLearning.userId.toString(),
        title: '深度 学习 入门 到 精通',
        content: expect.stringContaining('神经 网络 神经网 神经网络'),
        status: 2,
        create_time: CORPUS.deepLearning.createdMs,
        index_time: expect.any(Number),
      },
      { index: { _index: 'completions', _id: id } },
      {
        title: '深度学习入门到精通',
        suggest: { input: ['深度学习入门到精通', 'shenduxuexirumendaojingtong', 'sdxxrmdjt'] },
        index_time: expect.any(Number),
      },
      { delete: { _index: 'articles', _id: CORPUS.draft.id.toString() } },
      { delete: { _index: 'completions', _id: CORPUS.draft.id.toString() } },
    ])
    expect(fake.stored('articles', id)?.['article_id']).toBe(id)
  })

  it("searches with the original's query shape on the segmented words", async () => {
    await engine.rebuild(one(...Object.values(CORPUS)))
    await engine.search('缓存架构', { page: 2, perPage: 10 })
    expect(sent('/articles/_search').at(-1)?.body).toEqual({
      from: 10,
      size: 10,
      _source: false,
      track_total_hits: true,
      query: {
        bool: {
          must: [{ multi_match: { query: '缓存 架构', fields: ['title^2', 'content'] } }],
          filter: [{ term: { status: 2 } }],
        },
      },
    })
  })

  it('pages no deeper than the result window, still answering the total', async () => {
    await engine.rebuild(one(...Object.values(CORPUS)))
    expect(await engine.search('缓存架构', { page: 201, perPage: 50 })).toEqual({
      total: 3,
      ids: [],
    })
    expect(sent('/articles/_search').at(-1)?.body).toMatchObject({ from: 0, size: 0 })
    await engine.search('缓存架构', { page: 200, perPage: 50 })
    expect(sent('/articles/_search').at(-1)?.body).toMatchObject({ from: 9950, size: 50 })
  })

  it('asks completion with the text and its pinyin in one request, then the phrase suggester', async () => {
    await engine.rebuild(one(...Object.values(CORPUS)))
    fake.requests.length = 0
    expect(await engine.suggest('Reids', 10)).toEqual(['redis'])
    expect(fake.requests.map((r) => r.body)).toEqual([
      {
        size: 0,
        _source: ['title'],
        suggest: {
          'word-completion': {
            prefix: 'reids',
            completion: { field: 'suggest', size: 10, skip_duplicates: true },
          },
        },
      },
      {
        size: 0,
        suggest: {
          text: 'reids',
          'word-phrase': {
            phrase: {
              field: 'title.shingles',
              size: 1,
              gram_size: 3,
              max_errors: 2,
              confidence: 0,
              direct_generator: [
                { field: 'title', suggest_mode: 'always', min_word_length: 1, prefix_length: 0 },
              ],
              collate: { query: { source: { match_phrase: { title: '{{suggestion}}' } } } },
            },
          },
        },
      },
    ])
    fake.requests.length = 0
    expect(await engine.suggest('人工只能', 5)).toEqual(['人工智能的发展趋势'])
    expect(fake.requests).toHaveLength(1)
    expect((fake.requests[0]?.body as any).suggest['pinyin-completion']).toEqual({
      prefix: 'rengongzhineng',
      completion: { field: 'suggest', size: 5, skip_duplicates: true },
    })
  })

  it('rebuild rewrites every approved article, then deletes what it did not write', async () => {
    await engine.index([CORPUS.goGenerics, CORPUS.ai])
    expect(await engine.rebuild(one(CORPUS.goGenerics, CORPUS.draft))).toBe(1)
    const [purge] = sent('/articles,completions/_delete_by_query')
    expect(purge?.querystring).toEqual({ conflicts: 'proceed', refresh: 'true' })
    expect(purge?.body).toEqual({ query: { range: { index_time: { lt: expect.any(Number) } } } })
    expect(fake.stored('articles', CORPUS.ai.id.toString())).toBeUndefined()
    expect(fake.stored('completions', CORPUS.ai.id.toString())).toBeUndefined()
    expect(fake.stored('articles', CORPUS.goGenerics.id.toString())).toBeDefined()
  })

  it('turns unreachable, overloaded and index-less clusters into "unavailable"', async () => {
    await engine.index([CORPUS.goGenerics])
    fake.down = true
    await expect(engine.search('泛型', { page: 1, perPage: 10 })).rejects.toBeInstanceOf(
      SearchUnavailableError,
    )
    await expect(engine.suggest('泛型', 10)).rejects.toBeInstanceOf(SearchUnavailableError)
    await expect(engine.index([CORPUS.ai])).rejects.toBeInstanceOf(SearchUnavailableError)
    fake.down = false
    for (const status of [503, 429]) {
      fake.failWith = status
      await expect(engine.search('泛型', { page: 1, perPage: 10 })).rejects.toBeInstanceOf(
        SearchUnavailableError,
      )
    }
    fake.failWith = undefined
    // An index deleted under a running app: "unavailable", and it is created again.
    const empty = new SearchClusterFake()
    const fresh = new ElasticsearchEngine(elasticTransport(mockedElasticClient(empty)))
    await expect(fresh.search('泛型', { page: 1, perPage: 10 })).rejects.toBeInstanceOf(
      SearchUnavailableError,
    )
    await expect.poll(() => empty.created('completions')).toBeDefined()
    expect(await fresh.search('泛型', { page: 1, perPage: 10 })).toEqual({ total: 0, ids: [] })
  })

  it('reports failed bulk items: mapping errors as errors, rejections as "unavailable"', async () => {
    const transport: SearchTransport = {
      kind: 'elasticsearch',
      async request(request) {
        if (request.method === 'HEAD') return { statusCode: 200, body: '' as never }
        const status = (request.bulkBody?.length ?? 0) > 4 ? 429 : 400
        const type = status === 429 ? 'es_rejected_execution_exception' : 'mapper_parsing_exception'
        return {
          statusCode: 200,
          body: {
            errors: true,
            items: [{ index: { status, error: { type, reason: 'no' } } }],
          } as never,
        }
      },
      close: async () => undefined,
    }
    const broken = new ElasticsearchEngine(transport)
    const error = await broken.index([CORPUS.ai]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
    expect(error).not.toBeInstanceOf(SearchUnavailableError)
    expect(String(error)).toContain('mapper_parsing_exception')
    await expect(broken.index([CORPUS.ai, CORPUS.goGenerics])).rejects.toBeInstanceOf(
      SearchUnavailableError,
    )
  })
})

describe('search transports over the network', () => {
  const closed: SearchTransport[] = []
  afterAll(() => Promise.all(closed.map((t) => t.close())))

  it('takes SEARCH_URL as comma-separated nodes of one kind', () => {
    for (const url of ['http://es-1:9200,https://u:p@es-2:9200', 'opensearch+https://os:9200']) {
      expect(loadConfig({ SEARCH_URL: url }).searchUrl).toBe(url)
    }
    expect(loadConfig({}).searchUrl).toBeUndefined()
    for (const url of ['es-1:9200', 'redis://es:9200', 'http://a:9200,opensearch+http://b:9200']) {
      expect(() => loadConfig({ SEARCH_URL: url })).toThrow(/SEARCH_URL/)
    }
  })

  it('picks the client from the URL scheme', () => {
    const elastic = transportForUrl('http://127.0.0.1:1,http://127.0.0.1:2')
    const open = transportForUrl('opensearch+https://admin:secret@127.0.0.1:1')
    closed.push(elastic, open)
    expect([elastic.kind, open.kind]).toEqual(['elasticsearch', 'opensearch'])
  })

  it('answers "unavailable" quickly when nothing listens, with either client', async () => {
    for (const url of ['http://127.0.0.1:9', 'opensearch+http://127.0.0.1:9']) {
      const transport = transportForUrl(url)
      closed.push(transport)
      const engine = new ElasticsearchEngine(transport)
      const started = Date.now()
      await expect(engine.search('缓存', { page: 1, perPage: 10 })).rejects.toBeInstanceOf(
        SearchUnavailableError,
      )
      await expect(engine.suggest('缓存', 10)).rejects.toBeInstanceOf(SearchUnavailableError)
      expect(Date.now() - started).toBeLessThan(5000)
    }
  })
})
