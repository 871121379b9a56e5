import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { TEST_REDIS_URL } from '../../../test/env.js'
import { approvedArticles } from '../../../test/interactions.js'
import { exactJson } from '../../../test/json.js'
import { login } from '../../../test/login.js'
import { stringifyJson } from '../../http/json.js'

const ITEM_FIELDS = [
  'com_id',
  'aut_id',
  'aut_name',
  'aut_photo',
  'pubdate',
  'content',
  'is_top',
  'like_count',
  'reply_count',
  'is_liking',
]

interface Item {
  com_id: bigint
  like_count: number
  reply_count: number
  is_liking: boolean
  content: string
}

async function page(app: FastifyInstance, query: string, headers: Record<string, string> = {}) {
  const response = await app.inject({ url: `/v1_0/comments?${query}`, headers })
  expect(response.statusCode).toBe(200)
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
  // The bytes an ordinary serialization of the same answer writes, fields in schema order.
  expect(response.body).toBe(stringifyJson(exactJson(response.body)))
  const data = exactJson(response.body).data
  expect(Object.keys(data)).toEqual(['total_count', 'end_id', 'last_id', 'results'])
  for (const item of data.results) expect(Object.keys(item)).toEqual(ITEM_FIELDS)
  return data as { total_count: number; end_id: bigint; last_id: bigint; results: Item[] }
}

const send = (app: FastifyInstance, url: string, auth: object, payload: object) =>
  app.inject({ method: 'POST', url, headers: { ...auth }, payload })

describe('comment pages', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  it('shows counts, likes and new comments at once, in the bytes the schema writes', async () => {
    const [article] = await approvedArticles(t, 1)
    const reader = await login(t.app, '13500000094')
    const content = '引号 " 反斜杠 \\ 表情 😀 </script> \u2028'
    const created = await send(t.app, '/v1_0/comments', reader.auth, {
      target: article!.id.toString(),
      content,
    })
    expect(created.statusCode).toBe(201)
    const id = BigInt(exactJson(created.body).data.com_id)
    const query = `type=a&source=${article!.id}`
    const first = await page(t.app, query)
    const mine = () => first.results.find((item) => BigInt(item.com_id) === id)
    expect(mine()).toMatchObject({ content, like_count: 0, reply_count: 0, is_liking: false })

    const liked = await send(t.app, '/v1_0/comment/likings', reader.auth, { target: id.toString() })
    expect(liked.statusCode).toBe(201)
    const reply = await send(t.app, '/v1_0/comments', reader.auth, {
      target: id.toString(),
      art_id: article!.id.toString(),
      content: '回复',
    })
    expect(reply.statusCode).toBe(201)

    const find = (items: Item[]) => items.find((item) => BigInt(item.com_id) === id)
    expect(find((await page(t.app, query, reader.auth)).results)).toMatchObject({
      like_count: 1,
      reply_count: 1,
      is_liking: true,
    })
    expect(find((await page(t.app, query)).results)).toMatchObject({
      like_count: 1,
      is_liking: false,
    })
    const replies = await page(t.app, `type=c&source=${id}`)
    expect(replies.total_count).toBe(1)
    expect(replies.results[0]!.content).toBe('回复')
    expect(replies.end_id).toEqual(replies.last_id)
  })
})

// Two API nodes on one database and one Redis: a like written on A shows in B's pages.
describe.skipIf(!TEST_REDIS_URL)('comment pages across two nodes', () => {
  let a: TestApp
  let b: TestApp
  beforeAll(async () => {
    a = await buildTestApp()
    b = await buildTestApp({ shareWith: a })
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  it('a comment like and a reply written on A show in the counts B answers', async () => {
    const [article] = await approvedArticles(a, 1)
    const query = `type=a&source=${article!.id}`
    const [top] = (await page(b.app, query)).results
    const user = await login(a.app, '13500000095')
    // B has read the counts now: they are held there, until a change anywhere.
    await page(b.app, query)
    const target = { target: top!.com_id.toString() }
    expect((await send(a.app, '/v1_0/comment/likings', user.auth, target)).statusCode).toBe(201)
    const reply = { ...target, art_id: article!.id.toString(), content: '另一个节点' }
    expect((await send(a.app, '/v1_0/comments', user.auth, reply)).statusCode).toBe(201)
    await vi.waitFor(async () => {
      const [shown] = (await page(b.app, query)).results
      expect(shown).toMatchObject({
        like_count: top!.like_count + 1,
        reply_count: top!.reply_count + 1,
      })
    })
  })
})
