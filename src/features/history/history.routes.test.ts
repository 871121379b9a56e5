import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { TEST_REDIS_URL } from '../../../test/env.js'
import { exactJson, wire } from '../../../test/json.js'
import { bearer, login } from '../../../test/login.js'
import { toId } from '../../infra/db/values.js'
import { articleCards } from '../articles/article-cards.js'
import { READING_HISTORY_SIZE, recordReading } from './reading-history.js'

const MOUNTS = ['', '/app']
type Headers = Record<string, string>

let mobiles = 0
const newUser = (app: FastifyInstance) => login(app, `137${String(++mobiles).padStart(8, '0')}`)

async function get(app: FastifyInstance, url: string, headers: Headers = {}) {
  const response = await app.inject({ url, headers })
  return { status: response.statusCode, body: exactJson(response.body) }
}

describe('GET /v1_0/user/histories', () => {
  let t: TestApp
  let articles: bigint[]
  beforeAll(async () => {
    t = await buildTestApp()
    const rows = await t.deps.db.read
      .selectFrom('news_article_basic')
      .select('article_id')
      .where('status', '=', 2)
      .orderBy('article_id')
      .limit(READING_HISTORY_SIZE + 10)
      .execute()
    articles = rows.map((row) => toId(row.article_id))
  })
  afterAll(() => t?.close())

  /** The history items of `ids`, each with is_liking. */
  async function items(ids: bigint[], liked: bigint[] = []) {
    const cards = await articleCards(t.deps, ids)
    return cards.map((card) => ({
      ...card,
      aut_id: wire(card.aut_id),
      is_liking: liked.includes(card.art_id),
    }))
  }
  const histories = (headers: Headers, query = '', prefix = '') =>
    get(t.app, `${prefix}/v1_0/user/histories${query}`, headers)

  it.each(MOUNTS)('lists the articles read on the detail page, newest first (%s)', async (p) => {
    const { auth, userId } = await newUser(t.app)
    const [first, second, third] = articles as [bigint, bigint, bigint]
    // A like of the second article (made before the likes are cached) shows as is_liking.
    await t.deps.db.write
      .insertInto('news_attitude')
      .values({ user_id: userId.toString(), article_id: second.toString(), attitude: 1 })
      .execute()
    expect(await histories(auth, '', p)).toEqual({
      status: 200,
      body: { message: 'OK', data: { total_count: 0, page: 1, per_page: 10, results: [] } },
    })
    for (const id of [first, second, third]) {
      expect((await get(t.app, `${p}/v1_0/articles/${id}`, auth)).status).toBe(200)
      // Reads are scored in milliseconds: keep them apart.
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    // Reading one again moves it to the front.
    await get(t.app, `${p}/v1_0/articles/${first}`, auth)
    const expected = await items([first, third, second], [second])
    expect(expected).toHaveLength(3)
    expect(expected[2]).toMatchObject({
      art_id: second,
      is_liking: true,
      aut_photo: expect.any(String),
    })
    expect(await histories(auth, '', p)).toEqual({
      status: 200,
      body: {
        message: 'OK',
        data: { total_count: 3, page: 1, per_page: 10, results: expected },
      },
    })
    // perPage is not a parameter: per_page stays at its default.
    expect((await histories(auth, '?perPage=20', p)).body.data.per_page).toBe(10)
  })

  it('pages, keeps the newest 100 and leaves out articles that no longer exist', async () => {
    const { auth, userId } = await newUser(t.app)
    const base = Date.now() - 1_000_000
    const read = articles.slice(0, READING_HISTORY_SIZE + 5)
    for (const [i, id] of read.entries()) await recordReading(t.deps, userId, id, base + i * 1000)
    const newest = [...read].reverse().slice(0, READING_HISTORY_SIZE)

    const first = await histories(auth)
    expect(first.body.data).toEqual({
      total_count: READING_HISTORY_SIZE,
      page: 1,
      per_page: 10,
      results: await items(newest.slice(0, 10)),
    })
    const third = await histories(auth, '?page=3&per_page=20')
    expect(third.body.data).toEqual({
      total_count: READING_HISTORY_SIZE,
      page: 3,
      per_page: 20,
      results: await items(newest.slice(40, 60)),
    })
    const last = await histories(auth, '?page=2&per_page=50')
    expect(last.body.data.results).toEqual(await items(newest.slice(50, 100)))
    // The five oldest reads were dropped.
    const shown = new Set(last.body.data.results.map((card: { art_id: bigint }) => card.art_id))
    for (const id of read.slice(0, 5)) expect(shown.has(id)).toBe(false)
    expect((await histories(auth, '?page=3&per_page=50')).body.data.results).toEqual([])

    // A read article that is gone (never existed here) still counts but is not shown.
    await recordReading(t.deps, userId, 123_456_789n, Date.now())
    const after = await histories(auth)
    expect(after.body.data.total_count).toBe(READING_HISTORY_SIZE)
    expect(after.body.data.results).toEqual(await items(newest.slice(0, 9)))
  })

  it.each(MOUNTS)('asks for a valid access token (%s)', async (p) => {
    const { refresh_token } = await newUser(t.app)
    expect(await histories({}, '', p)).toEqual({
      status: 401,
      body: { message: 'User must be authorized.' },
    })
    expect(await histories(bearer('a.b.c'), '', p)).toEqual({
      status: 401,
      body: { message: 'User must be authorized.' },
    })
    expect(await histories(bearer(refresh_token), '', p)).toEqual({
      status: 403,
      body: { message: 'Do not use refresh token.' },
    })
  })

  it('answers 400 to bad paging, naming the parameter', async () => {
    const { auth } = await newUser(t.app)
    const cases: [string, string][] = [
      ['page=0', 'page'],
      ['page=-3', 'page'],
      ['page=x', 'page'],
      ['page=2.5', 'page'],
      ['per_page=9', 'per_page'],
      ['per_page=51', 'per_page'],
      ['per_page=ten', 'per_page'],
    ]
    for (const [query, field] of cases) {
      const response = await histories(auth, `?${query}`)
      expect({ query, status: response.status }).toEqual({ query, status: 400 })
      expect(response.body.message).toHaveProperty(field)
    }
    const far = await histories(auth, '?page=2147483647&per_page=50')
    expect(far.status).toBe(200)
    expect(far.body.data.results).toEqual([])
  })

  describe.skipIf(!TEST_REDIS_URL)('on two nodes sharing the database and Redis', () => {
    let other: TestApp
    beforeAll(async () => {
      other = await buildTestApp({ shareWith: t })
    })
    afterAll(() => other?.close())

    it('shows a read on one node in the history on the other', async () => {
      const { auth } = await newUser(t.app)
      const id = articles[7]!
      expect((await get(other.app, '/v1_0/user/histories', auth)).body.data.total_count).toBe(0)
      await get(t.app, `/v1_0/articles/${id}`, auth)
      const { body } = await get(other.app, '/v1_0/user/histories', auth)
      expect(body.data.total_count).toBe(1)
      expect(body.data.results).toEqual(await items([id]))
    })
  })
})
