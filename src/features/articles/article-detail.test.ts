import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { exactJson } from '../../../test/json.js'
import { login } from '../../../test/login.js'
import { stringifyJson } from '../../http/json.js'
import { reviewArticles } from '../article-lifecycle/index.js'

const FIELDS = [
  'art_id',
  'title',
  'pubdate',
  'content',
  'aut_id',
  'aut_name',
  'aut_photo',
  'ch_id',
  'is_followed',
  'attitude',
  'is_collected',
  'recomments',
]

describe('article detail answers', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const detail = async (id: bigint, headers: Record<string, string> = {}) => {
    const response = await t.app.inject({ url: `/v1_0/articles/${id}`, headers })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    // The bytes an ordinary serialization of the same answer writes, fields in schema order.
    expect(response.body).toBe(stringifyJson(exactJson(response.body)))
    const answer = exactJson(response.body)
    expect(Object.keys(answer)).toEqual(['message', 'data'])
    expect(Object.keys(answer.data)).toEqual(FIELDS)
    return answer.data
  }
  const send = (method: 'POST' | 'PATCH', url: string, auth: object, payload: object) =>
    t.app.inject({ method, url, headers: { ...auth }, payload })

  it("shows each reader's own state around what every reader shares, and writes at once", async () => {
    const author = await login(t.app, '13911111111')
    const reader = await login(t.app, '13500000093')
    const [article] = exactJson(
      (await t.app.inject({ url: '/v1_0/user/articles', headers: author.auth })).body,
    ).data.results as { art_id: bigint; title: string }[]
    const id = BigInt(article!.art_id)

    const anonymous = await detail(id)
    expect(anonymous).toMatchObject({ is_followed: false, attitude: null, is_collected: false })
    expect(anonymous.title).toBe(article!.title)
    const first = await detail(id, reader.auth)
    expect(first).toMatchObject({ is_followed: false, attitude: -1, is_collected: false })
    expect({ ...first, attitude: null }).toEqual(anonymous)

    const target = { target: id.toString() }
    expect((await send('POST', '/v1_0/article/likings', reader.auth, target)).statusCode).toBe(201)
    expect((await send('POST', '/v1_0/article/collections', reader.auth, target)).statusCode).toBe(
      201,
    )
    const follow = { target: author.userId.toString() }
    expect((await send('POST', '/v1_0/user/followings', reader.auth, follow)).statusCode).toBe(201)
    const renamed = await send('PATCH', '/v1_0/user/profile', author.auth, { name: '新名字作者' })
    expect(renamed.statusCode).toBe(201)

    const after = await detail(id, reader.auth)
    expect(after).toMatchObject({
      aut_name: '新名字作者',
      is_followed: true,
      attitude: 1,
      is_collected: true,
    })
    expect((await detail(id)).aut_name).toBe('新名字作者')
    expect(await detail(id, author.auth)).toMatchObject({ is_followed: false, attitude: -1 })
  })

  it('leaves out of the similar articles one that was deleted a moment ago', async () => {
    const author = await login(t.app, '13911111111')
    const cards = exactJson(
      (await t.app.inject({ url: '/v1_0/user/articles?per_page=50', headers: author.auth })).body,
    ).data.results as { art_id: bigint }[]
    const shown = await (async () => {
      for (const card of cards) {
        const answer = await detail(BigInt(card.art_id))
        if (answer.recomments.length > 0) return answer
      }
      throw new Error('no article with similar articles')
    })()
    const gone = BigInt(shown.recomments[0].art_id)
    expect(await reviewArticles(t.deps, [gone], 'delete')).toHaveLength(1)
    const again = await detail(BigInt(shown.art_id))
    expect(again.recomments.map((r: { art_id: bigint }) => BigInt(r.art_id))).not.toContain(gone)
    expect((await t.app.inject({ url: `/v1_0/articles/${gone}` })).statusCode).toBe(404)
  })
})
