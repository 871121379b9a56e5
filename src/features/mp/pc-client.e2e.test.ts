import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { multipart, png } from '../../../test/images.js'
import { exactJson } from '../../../test/json.js'
import { bearer } from '../../../test/login.js'
import { reviewArticles } from '../article-lifecycle/index.js'

// The reference PC client (toutiao-publish): its calls, in its order, with its quirks.
describe('the PC client, end to end', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  it('logs in, uploads, publishes, lists, edits, deletes, moderates and edits the profile', async () => {
    let headers: Record<string, string> = {}
    const call = async (
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: string,
      body?: unknown,
    ) => {
      const reply = await t.app.inject({
        method,
        url,
        headers,
        ...(body !== undefined && {
          payload: JSON.stringify(body),
          headers: { ...headers, 'content-type': 'application/json' },
        }),
      })
      return { status: reply.statusCode, data: reply.body ? exactJson(reply.body).data : undefined }
    }
    const uploadAs = async (method: 'POST' | 'PATCH', url: string, field: string, data: Buffer) => {
      const form = multipart([{ field, filename: 'p.png', type: 'image/png', data }])
      const reply = await t.app.inject({
        method,
        url,
        headers: { ...headers, ...form.headers },
        payload: form.payload,
      })
      return { status: reply.statusCode, data: exactJson(reply.body).data }
    }

    const login = await call('POST', '/mp/v1_0/authorizations', {
      mobile: '13911111111',
      code: '246810',
      agree: true,
    })
    expect(login.status).toBe(201)
    headers = bearer(login.data.token)
    const profile = await call('GET', '/mp/v1_0/user/profile')
    expect(profile.data).toMatchObject({
      id: login.data.id,
      name: '黑马头条号',
      mobile: '13911111111',
    })
    const channels = (await call('GET', '/mp/v1_0/channels')).data.channels
    expect(channels.length).toBeGreaterThan(0)

    // The demo library and the demo author's work in progress are there on first start.
    const library = (await call('GET', '/mp/v1_0/user/images?collect=false&page=1&per_page=20'))
      .data
    expect(library.total_count).toBe(4)
    for (const status of [0, 1, 3]) {
      const list = (await call('GET', `/mp/v1_0/articles?status=${status}&page=1&per_page=10`)).data
      expect(list.total_count).toBe(2)
    }

    const a = await uploadAs('POST', '/mp/v1_0/user/images', 'image', png(21, 2))
    const b = await uploadAs('POST', '/mp/v1_0/user/images', 'image', png(22, 2))
    expect([a.status, b.status]).toEqual([201, 201])
    const [ua, ub] = [a.data.url as string, b.data.url as string]

    const publish = async (
      cover: { type: number; images: string[] },
      draft = false,
      content = '<p>正文</p>',
    ) => {
      const reply = await call('POST', `/mp/v1_0/articles?draft=${draft}`, {
        title: `封面类型 ${cover.type} 的文章`,
        content,
        cover,
        channel_id: channels[0].id,
      })
      expect(reply.status).toBe(201)
      return reply.data.id as bigint
    }
    const none = await publish({ type: 0, images: [] })
    const one = await publish({ type: 1, images: [ua] })
    const three = await publish({ type: 3, images: [ua, ub, ua] })
    const auto = await publish(
      { type: -1, images: [] },
      false,
      `<p>图文</p><img src="${ua}"><img src="${ub}">`,
    )

    const today = new Date().toISOString().slice(0, 10)
    const filtered = (
      await call(
        'GET',
        `/mp/v1_0/articles?status=1&channel_id=${channels[0].id}&begin_pubdate=${today}&end_pubdate=${today}&page=1&per_page=10`,
      )
    ).data
    expect(filtered.results.map((r: { id: bigint }) => r.id)).toEqual([auto, three, one, none])
    expect(filtered.results[0].cover).toEqual({ type: 1, images: [ua] })
    const all = (await call('GET', '/mp/v1_0/articles?page=2&per_page=10')).data
    expect(all.page).toBe(2)

    const opened = (await call('GET', `/mp/v1_0/articles/${one}`)).data
    expect(opened).toMatchObject({
      title: '封面类型 1 的文章',
      channel_id: channels[0].id,
      cover: { type: 1, images: [ua] },
    })
    const edited = await call('PUT', `/mp/v1_0/articles/${one}?draft=false`, {
      ...opened,
      id: String(one),
      title: '编辑后的文章标题',
    })
    expect([edited.status, edited.data]).toEqual([201, { id: one }])

    const draft = await publish({ type: 0, images: [] }, true)
    expect((await call('DELETE', `/mp/v1_0/articles/${draft}`)).status).toBe(204)
    const deleted = (await call('GET', '/mp/v1_0/articles?status=4&page=1&per_page=10')).data
    expect(deleted.results.map((r: { id: bigint }) => r.id)).toContain(draft)

    expect((await call('PUT', `/mp/v1_0/user/images/${a.data.id}`, { collect: true })).status).toBe(
      201,
    )
    expect(
      (await call('GET', '/mp/v1_0/user/images?collect=true&page=1&per_page=20')).data.results.map(
        (m: { id: bigint }) => m.id,
      ),
    ).toContain(a.data.id)
    expect((await call('DELETE', `/mp/v1_0/user/images/${b.data.id}`)).status).toBe(204)

    await reviewArticles(t.deps, [three], 'approve')
    const commentMode = (
      await call('GET', '/mp/v1_0/articles?response_type=comment&page=1&per_page=10')
    ).data
    expect(commentMode.results[0]).toMatchObject({
      id: three,
      comment_status: true,
      total_comment_count: 0,
    })
    const off = await call('PUT', `/mp/v1_0/comments/status?article_id=${three}`, {
      allow_comment: false,
    })
    expect([off.status, off.data]).toEqual([201, { article_id: three, allow_comment: false }])

    const patched = await call('PATCH', '/mp/v1_0/user/profile', {
      name: '头条号',
      intro: '新简介',
      email: 'a@b.cn',
    })
    expect(patched.status).toBe(201)
    const photo = await uploadAs('PATCH', '/mp/v1_0/user/photo', 'photo', png(23, 3))
    expect(photo.status).toBe(201)
    expect((await call('GET', '/mp/v1_0/user/profile')).data).toMatchObject({
      name: '头条号',
      photo: photo.data.photo,
      email: 'a@b.cn',
    })
  })
})
