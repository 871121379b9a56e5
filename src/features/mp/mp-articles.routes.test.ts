import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { png, multipart } from '../../../test/images.js'
import { send, type Headers } from '../../../test/inject.js'
import { exactJson } from '../../../test/json.js'
import { mpLogin } from '../../../test/mp.js'
import { reviewArticles } from '../article-lifecycle/index.js'

describe('mp articles', () => {
  let t: TestApp
  let auth: Headers
  let images: string[]
  beforeAll(async () => {
    t = await buildTestApp()
    auth = (await mpLogin(t.app)).auth
    images = []
    for (let i = 1; i <= 3; i++) {
      const upload = multipart([{ field: 'image', filename: 'a.png', data: png(i, 1) }])
      const reply = await t.app.inject({
        method: 'POST',
        url: '/mp/v1_0/user/images',
        headers: { ...auth, ...upload.headers },
        payload: upload.payload,
      })
      images.push(exactJson(reply.body).data.url as string)
    }
  })
  afterAll(() => t.close())

  const body = (over: Record<string, unknown> = {}) => ({
    title: '一篇来自自媒体平台的文章',
    content: '<p>正文内容</p>',
    cover: { type: 0, images: [] },
    channel_id: 9,
    ...over,
  })
  const create = async (over: Record<string, unknown> = {}, draft = false) => {
    const reply = await send(t.app, 'POST', `/mp/v1_0/articles?draft=${draft}`, auth, body(over))
    expect(reply.statusCode).toBe(201)
    return exactJson(reply.body).data.id as bigint
  }
  const get = async (url: string) => {
    const reply = await send(t.app, 'GET', url, auth)
    return { status: reply.statusCode, body: exactJson(reply.body) }
  }

  it('creates drafts and submissions with every cover type, and opens them for editing', async () => {
    const draft = await create({}, true)
    const one = await create({ cover: { type: 1, images: [images[0]] } })
    const three = await create({ cover: { type: 3, images } })
    const auto = await create({
      cover: { type: -1, images: [] },
      content: `<p>图</p><img src="${images[1]}"><img src="https://elsewhere.example/x.png">`,
    })
    const opened = await get(`/mp/v1_0/articles/${auto}`)
    expect(opened.body.data).toEqual({
      id: auto,
      title: '一篇来自自媒体平台的文章',
      cover: { type: 1, images: [images[1]] },
      channel_id: 9,
      content: `<p>图</p><img src="${images[1]}" /><img src="https://elsewhere.example/x.png" />`,
    })
    expect((await get(`/mp/v1_0/articles/${three}`)).body.data.cover).toEqual({ type: 3, images })
    const list = await get('/mp/v1_0/articles?per_page=10')
    expect(list.body.data.results.slice(0, 4).map((a: { id: bigint }) => a.id)).toEqual([
      auto,
      three,
      one,
      draft,
    ])
    expect(list.body.data.results[3]).toMatchObject({ status: 0, cover: { type: 0, images: [] } })
    expect(list.body.data.results[0].pubdate).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    // Someone else's or a missing article: {} as the original.
    expect((await get('/mp/v1_0/articles/123')).body).toEqual({ message: 'OK', data: {} })
  })

  it('refuses bad covers, channels, titles and draft flags with the original texts', async () => {
    const bad = async (over: Record<string, unknown>, query = '') => {
      const reply = await send(t.app, 'POST', `/mp/v1_0/articles${query}`, auth, body(over))
      return [reply.statusCode, reply.json().message]
    }
    expect(await bad({ cover: { type: 2, images: [] } })).toEqual([
      400,
      { cover: 'Invalid cover param.' },
    ])
    expect(await bad({ cover: { type: 1, images: ['http://evil.example/a.png'] } })).toEqual([
      400,
      { cover: 'Invalid cover param.' },
    ])
    expect(await bad({ cover: 'x' })).toEqual([400, { cover: 'Invalid cover param.' }])
    expect(await bad({ channel_id: 0 })).toEqual([400, { channel_id: 'Invalid channel id param.' }])
    expect(await bad({ channel_id: 999 })).toEqual([400, { channel_id: 'Invalid channel id.' }])
    expect((await bad({ title: '四个字符' }))[0]).toBe(400)
    expect((await bad({ content: '' }))[0]).toBe(400)
    expect(await bad({}, '?draft=maybe')).toEqual([
      400,
      { draft: 'Invalid literal for boolean(): maybe' },
    ])
  })

  it('edits an article with every field sent back (id as a string), back to review', async () => {
    const id = await create()
    await reviewArticles(t.deps, [id], 'approve')
    expect((await t.app.inject({ url: `/v1_0/articles/${id}` })).statusCode).toBe(200)
    const opened = (await get(`/mp/v1_0/articles/${id}`)).body.data
    const edited = await send(t.app, 'PUT', `/mp/v1_0/articles/${id}?draft=false`, auth, {
      ...opened,
      id: id.toString(),
      title: '改过的标题，重新送审',
      unknown_field: 1,
    })
    expect([edited.statusCode, exactJson(edited.body).data]).toEqual([201, { id }])
    expect((await get(`/mp/v1_0/articles/${id}`)).body.data.title).toBe('改过的标题，重新送审')
    expect((await t.app.inject({ url: `/v1_0/articles/${id}` })).statusCode).toBe(404)
    const status = (await get('/mp/v1_0/articles?status=1')).body.data.results.find(
      (a: { id: bigint }) => a.id === id,
    )
    expect(status.status).toBe(1)
    const other = await mpLogin(t.app, '13611111111')
    const theirs = await send(t.app, 'PUT', `/mp/v1_0/articles/${id}`, other.auth, {
      ...opened,
      id: id.toString(),
    })
    expect([theirs.statusCode, theirs.json()]).toEqual([400, { message: 'Invalid article.' }])
  })

  it('deletes drafts, pending and rejected articles only, and lists deleted ones with status=4', async () => {
    const draft = await create({}, true)
    const approved = await create()
    await reviewArticles(t.deps, [approved], 'approve')
    const del = (id: bigint) => send(t.app, 'DELETE', `/mp/v1_0/articles/${id}`, auth)
    const refused = await del(approved)
    expect([refused.statusCode, refused.json()]).toEqual([400, { message: 'Invalid article.' }])
    const deleted = await del(draft)
    expect([deleted.statusCode, deleted.body]).toEqual([204, ''])
    expect((await get(`/mp/v1_0/articles/${draft}`)).body.data).toEqual({})
    const all = (await get('/mp/v1_0/articles?per_page=50')).body.data
    expect(all.results.map((a: { id: bigint }) => a.id)).not.toContain(draft)
    const gone = (await get('/mp/v1_0/articles?status=4')).body.data
    expect(gone.results.map((a: { id: bigint }) => a.id)).toContain(draft)
    expect(gone.results.every((a: { status: number }) => a.status === 4)).toBe(true)
    expect(gone.total_count).toBe(gone.results.length)
  })

  it('filters by status, channel and dates, pages, and offers the comment and statistic views', async () => {
    const author = (await mpLogin(t.app)).userId
    const approved = await t.deps.db.write
      .selectFrom('news_article_basic')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('user_id', '=', author.toString())
      .where('status', '=', 2)
      .executeTakeFirstOrThrow()
    const page2 = (await get('/mp/v1_0/articles?status=2&page=2&per_page=10')).body.data
    expect(page2).toMatchObject({ total_count: Number(approved.n), page: 2, per_page: 10 })
    expect(page2.results).toHaveLength(10)
    const two = (await get('/mp/v1_0/articles?status=2&status=0&channel_id=9')).body.data
    expect(two.results.every((a: { status: number }) => a.status === 2 || a.status === 0)).toBe(
      true,
    )
    const today = new Date().toISOString().slice(0, 10)
    const dated = (await get(`/mp/v1_0/articles?begin_pubdate=${today}&end_pubdate=${today}`)).body
      .data
    expect(dated.total_count).toBeGreaterThan(0)
    expect(dated.results.every((a: { pubdate: string }) => a.pubdate.startsWith(today))).toBe(true)
    expect((await get('/mp/v1_0/articles?begin_pubdate=&end_pubdate=')).status).toBe(200)
    expect(
      (await get('/mp/v1_0/articles?begin_pubdate=2020-02-02&end_pubdate=2020-01-01')).body,
    ).toEqual({ message: 'Invalid pubdate param.' })
    expect((await get('/mp/v1_0/articles?status=5')).body).toEqual({
      message: { status: 'Invalid status param.' },
    })
    expect((await get('/mp/v1_0/articles?per_page=9')).status).toBe(400)

    const comments = (await get('/mp/v1_0/articles?response_type=comment&per_page=10')).body.data
    expect(comments.total_count).toBe(Number(approved.n))
    expect(Object.keys(comments.results[0]).sort()).toEqual([
      'comment_status',
      'fans_comment_count',
      'id',
      'title',
      'total_comment_count',
    ])
    const stats = (await get('/mp/v1_0/articles?response_type=statistic')).body.data
    expect(Object.keys(stats.results[0]).sort()).toEqual([
      'collect_count',
      'comment_count',
      'id',
      'like_count',
      'read_count',
      'repost_count',
      'title',
    ])
  })

  it("searches the author's own articles in any status but deleted", async () => {
    const pending = await create({ title: '独一无二的搜索词条目' })
    const draft = await create({ title: '草稿里的独一无二', content: '<p>搜索词条目</p>' }, true)
    const gone = await create({ title: '已删除的独一无二搜索词条目' }, true)
    await send(t.app, 'DELETE', `/mp/v1_0/articles/${gone}`, auth)
    const found = (await get(`/mp/v1_0/search?q=${encodeURIComponent('独一无二 搜索词条目')}`)).body
      .data
    expect(found.results.map((a: { id: bigint }) => a.id)).toEqual([draft, pending])
    expect(found).toMatchObject({ total_count: 2, page: 1, per_page: 10 })
    expect(found.results[1]).toMatchObject({ status: 1, title: '独一无二的搜索词条目' })
    const other = await mpLogin(t.app, '13611111111')
    const theirs = await send(
      t.app,
      'GET',
      '/mp/v1_0/search?q=%E7%8B%AC%E4%B8%80%E6%97%A0%E4%BA%8C',
      other.auth,
    )
    expect(exactJson(theirs.body).data.total_count).toBe(0)
    expect((await get('/mp/v1_0/search?q=100%25')).status).toBe(200)
    expect((await get('/mp/v1_0/search')).status).toBe(400)
  })
})
