import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { multipart, png } from '../../../test/images.js'
import { send } from '../../../test/inject.js'
import { exactJson, wire } from '../../../test/json.js'
import { login } from '../../../test/login.js'
import { mpLogin } from '../../../test/mp.js'

describe('mp profile, followers, channels and materials', () => {
  let t: TestApp
  let author: Awaited<ReturnType<typeof mpLogin>>
  beforeAll(async () => {
    t = await buildTestApp()
    author = await mpLogin(t.app, '13711111111')
  })
  afterAll(() => t.close())

  const get = async (url: string, headers = author.auth) => {
    const reply = await send(t.app, 'GET', url, headers)
    return { status: reply.statusCode, body: exactJson(reply.body) }
  }
  const upload = async (data: Buffer, field = 'image') => {
    const form = multipart([{ field, filename: 'x.png', data }])
    const reply = await t.app.inject({
      method: 'POST',
      url: '/mp/v1_0/user/images',
      headers: { ...author.auth, ...form.headers },
      payload: form.payload,
    })
    return { status: reply.statusCode, body: exactJson(reply.body) }
  }

  it('shows and edits the profile (only changed keys answered) and the photo', async () => {
    const profile = (await get('/mp/v1_0/user/profile')).body.data
    expect(profile).toMatchObject({
      id: wire(author.userId),
      name: '算法君',
      mobile: '13711111111',
    })
    expect(Object.keys(profile).sort()).toEqual(['email', 'id', 'intro', 'mobile', 'name', 'photo'])
    const patch = await send(t.app, 'PATCH', '/mp/v1_0/user/profile', author.auth, {
      name: '算法君2',
      intro: '新的简介',
      email: 'algo@example.com',
    })
    expect([patch.statusCode, exactJson(patch.body).data]).toEqual([
      201,
      { id: wire(author.userId), name: '算法君2', intro: '新的简介', email: 'algo@example.com' },
    ])
    expect((await get('/mp/v1_0/user/profile')).body.data).toMatchObject({
      name: '算法君2',
      intro: '新的简介',
      email: 'algo@example.com',
    })
    // The app sees the new name at once.
    expect((await get('/v1_0/user', author.auth)).body.data.name).toBe('算法君2')
    const taken = await send(t.app, 'PATCH', '/mp/v1_0/user/profile', author.auth, {
      name: '黑马头条号',
    })
    expect([taken.statusCode, taken.json()]).toEqual([409, { message: 'User name has existed.' }])
    const badEmail = await send(t.app, 'PATCH', '/mp/v1_0/user/profile', author.auth, {
      email: 'not an email',
    })
    expect(badEmail.statusCode).toBe(400)

    const form = multipart([{ field: 'photo', filename: 'me.png', data: png(4, 4) }])
    const photo = await t.app.inject({
      method: 'PATCH',
      url: '/mp/v1_0/user/photo',
      headers: { ...author.auth, ...form.headers },
      payload: form.payload,
    })
    expect(photo.statusCode).toBe(201)
    const url = exactJson(photo.body).data.photo as string
    expect(url).toMatch(/^http:\/\/headline\.test\/uploads\/.+\.png$/)
    expect((await get('/mp/v1_0/user/profile')).body.data.photo).toBe(url)
  })

  it('lists followers, latest first, and counts them by gender', async () => {
    const fans = [await login(t.app, '13500000501'), await login(t.app, '13500000502')]
    await t.deps.db.write
      .updateTable('user_profile')
      .set({ gender: 1 })
      .where('user_id', '=', fans[1]!.userId.toString())
      .execute()
    const before = (await get('/mp/v1_0/statistics/followers/gender')).body.data
    for (const fan of fans) {
      const reply = await send(t.app, 'POST', '/v1_0/user/followings', fan.auth, {
        target: author.userId.toString(),
      })
      expect(reply.statusCode).toBe(201)
    }
    const list = (await get('/mp/v1_0/followers?per_page=20')).body.data
    expect(
      list.results
        .slice(0, 2)
        .map((u: { id: bigint }) => u.id)
        .sort(),
    ).toEqual(fans.map((f) => f.userId).sort())
    expect(list).toMatchObject({ page: 1, per_page: 20 })
    expect(list.results[0].photo).toMatch(/^http/)
    expect((await get('/mp/v1_0/statistics/followers/gender')).body.data).toEqual({
      male: before.male + 1,
      female: before.female + 1,
    })
    expect((await get('/mp/v1_0/followers?per_page=19')).status).toBe(400)
  })

  it('lists channels without a token', async () => {
    const reply = await t.app.inject({ url: '/mp/v1_0/channels' })
    const channels = exactJson(reply.body).data.channels as { id: number; name: string }[]
    expect(channels[0]).toEqual({ id: 1, name: 'html' })
    expect(channels).toHaveLength(20)
  })

  it('keeps a material library: dedup per content, collect, soft delete, paging', async () => {
    const first = await upload(png(11, 1))
    expect(first.status).toBe(201)
    expect(Object.keys(first.body.data).sort()).toEqual(['id', 'url'])
    const again = await upload(png(11, 1))
    expect(again.body.data).toEqual(first.body.data)
    const second = await upload(png(12, 1))
    const third = await upload(png(13, 1))
    const ids = [first, second, third].map((u) => u.body.data.id as bigint)

    const page = (await get('/mp/v1_0/user/images')).body.data
    expect(page).toMatchObject({ total_count: 3, page: 1, per_page: 20 })
    expect(page.results.map((m: { id: bigint }) => m.id)).toEqual([ids[2], ids[1], ids[0]])

    const collect = await send(t.app, 'PUT', `/mp/v1_0/user/images/${ids[0]}`, author.auth, {
      collect: true,
    })
    expect([collect.statusCode, exactJson(collect.body).data]).toEqual([
      201,
      { id: ids[0], collect: true },
    ])
    const collected = (await get('/mp/v1_0/user/images?collect=true')).body.data
    expect(collected.results).toEqual([
      { id: ids[0], url: first.body.data.url, is_collected: true },
    ])
    expect((await get('/mp/v1_0/user/images')).body.data.results[0].id).toBe(ids[0])
    const paged = (await get('/mp/v1_0/user/images?page=2&per_page=2')).body.data
    expect(paged).toMatchObject({ total_count: 3, page: 2, per_page: 2 })
    expect(paged.results).toHaveLength(1)
    expect((await get('/mp/v1_0/user/images?page=9&per_page=2')).body.data.total_count).toBe(0)

    // Someone else's material: nothing happens.
    const stranger = await mpLogin(t.app, '13611111111')
    await send(t.app, 'PUT', `/mp/v1_0/user/images/${ids[1]}`, stranger.auth, { collect: true })
    await send(t.app, 'DELETE', `/mp/v1_0/user/images/${ids[1]}`, stranger.auth)
    expect((await get('/mp/v1_0/user/images')).body.data.total_count).toBe(3)

    const deleted = await send(t.app, 'DELETE', `/mp/v1_0/user/images/${ids[0]}`, author.auth)
    expect([deleted.statusCode, deleted.body]).toEqual([204, ''])
    expect((await get('/mp/v1_0/user/images')).body.data.total_count).toBe(2)
    expect((await get('/mp/v1_0/user/images?collect=1')).body.data.total_count).toBe(0)
    // A deleted material can no longer be collected; uploading it again brings it back.
    await send(t.app, 'PUT', `/mp/v1_0/user/images/${ids[0]}`, author.auth, { collect: true })
    expect((await get('/mp/v1_0/user/images?collect=1')).body.data.total_count).toBe(0)
    expect((await upload(png(11, 1))).body.data.id).toBe(ids[0])
    expect((await get('/mp/v1_0/user/images')).body.data.total_count).toBe(3)

    expect((await upload(Buffer.from('not an image'))).status).toBe(400)
    expect((await upload(png(14, 1), 'photo')).status).toBe(400)
  })
})
