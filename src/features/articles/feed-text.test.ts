import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { exactJson } from '../../../test/json.js'
import { Ok, ok } from '../../http/schemas.js'
import type { Recommender } from '../../reco/recommender.js'
import { traceFor } from '../../reco/trace.js'
import { forgetArticles } from './articles.cache.js'
import { ARTICLE_STATUS } from './articles.repo.js'
import { FeedPageSchema } from './articles.schemas.js'
import { feed, feedText } from './articles.service.js'

describe('the feed reply written as text', () => {
  let t: TestApp
  let ids: bigint[] = []
  let serialize: (value: unknown) => Promise<string>

  beforeAll(async () => {
    t = await buildTestApp()
    const rows = await t.deps.db.write
      .selectFrom('news_article_basic')
      .select(['article_id', 'user_id'])
      .where('channel_id', '=', 1)
      .where('status', '=', ARTICLE_STATUS.approved)
      .orderBy('article_id', 'desc')
      .limit(12)
      .execute()
    ids = rows.map((row) => BigInt(row.article_id))
    // Text that needs escaping, and cover images as keys and as URLs.
    const [first, second] = rows
    await t.deps.db.write
      .updateTable('news_article_basic')
      .set({
        title: 'a "quoted" \\ title\n\t\u2028 😀 \u0001 <b>',
        cover: JSON.stringify({ type: 3, images: ['x/"y".png', 'https://cdn.test/z.png'] }),
      })
      .where('article_id', '=', first!.article_id)
      .execute()
    await t.deps.db.write
      .updateTable('news_article_basic')
      .set({ cover: JSON.stringify({ type: 0, images: [] }) })
      .where('article_id', '=', second!.article_id)
      .execute()
    await forgetArticles(
      t.deps,
      rows
        .slice(0, 2)
        .map((row) => ({ id: BigInt(row.article_id), authorId: BigInt(row.user_id) })),
    )
    // The route's own serializer: a Fastify route with the same response schema.
    const schemaApp = Fastify()
    let value: unknown
    schemaApp.get('/', { schema: { response: { 200: Ok(FeedPageSchema) } } }, async () => value)
    serialize = async (next) => {
      value = next
      return (await schemaApp.inject({ url: '/' })).body
    }
  })
  afterAll(() => t.close())

  // The same page every call: the text and the object are built from one recommendation.
  const fixed = (items: bigint[], timestamp: number): Recommender => ({
    userRecommend: async (request) => ({
      exposure: '',
      timestamp,
      // Half of the traces as a gRPC answer brings them: plain objects.
      items: items.map((id, i) => {
        const trace = traceFor(request.viewer, id, 'test')
        return { articleId: id, trace: i % 2 ? { ...trace } : trace }
      }),
    }),
    similarArticles: async () => [],
  })

  it('is byte for byte what the schema serializer writes, pinned articles and all', async () => {
    const cases = [
      { userId: null, device: 'dev-text', withTop: false },
      { userId: 1234567890123456789n, device: null, withTop: true },
      { userId: null, device: 'dev-text', withTop: true },
    ]
    for (const options of cases) {
      const deps = { ...t.deps, recommender: fixed([...ids.slice(0, 10), 1n], 1_700_000_000_001) }
      const request = { ...options, channelId: 1, timestamp: Date.now() }
      const text = await feedText(deps, request)
      expect(text).toBe(await serialize(ok(await feed(deps, request))))
      const page = JSON.parse(text).data
      expect(page.pre_timestamp).toBe(1_700_000_000_001)
      // The unknown id 1 is left out; with_top adds the channel's pinned articles first.
      expect(page.results.length).toBeGreaterThanOrEqual(10)
      if (options.withTop) expect(page.results[0].is_top).toBe(1)
    }
    const empty = { ...t.deps, recommender: fixed([], 5) }
    const request = { userId: null, device: 'dev-text', channelId: 1, timestamp: 6, withTop: false }
    expect(await feedText(empty, request)).toBe(await serialize(ok(await feed(empty, request))))
  })

  it('is what the route answers, with the JSON content type', async () => {
    const response = await t.app.inject({
      url: `/v1_1/articles?channel_id=1&timestamp=${Date.now()}&with_top=1`,
      headers: { authorization: 'Anony dev-route-text' },
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    const page = JSON.parse(response.body).data
    expect(page.results.length).toBeGreaterThanOrEqual(10)
    expect(response.body).toBe(await serialize(exactJson(response.body)))
  })
})
