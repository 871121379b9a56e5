import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { TEST_REDIS_URL } from '../../test/env.js'
import { send, type Headers } from '../../test/inject.js'
import { login } from '../../test/login.js'
import { superAdmin } from '../../test/mis.js'
import { forgetAnnouncement } from '../features/announcements/announcements.cache.js'
import { matchesIfNoneMatch } from './ready-body.js'

const SLOW = { timeout: 10_000, interval: 50 }

/** A GET; with `etag`, sent as `If-None-Match`. */
const get = (t: TestApp, url: string, headers: Headers = {}, etag?: string) =>
  send(t.app, 'GET', url, etag ? { ...headers, 'if-none-match': etag } : headers)

const etagOf = (response: { headers: Record<string, unknown> }) => {
  const etag = response.headers['etag']
  expect(etag).toMatch(/^"[\w-]+"$/)
  return etag as string
}

/** A 304: no body, the same ETag, the CORS headers of a 200. */
function expectNotModified(response: Awaited<ReturnType<typeof send>>, etag: string) {
  expect(response.statusCode).toBe(304)
  expect(response.body).toBe('')
  expect(response.headers['etag']).toBe(etag)
  expect(response.headers['access-control-allow-origin']).toBe('*')
}

describe('ETag and If-None-Match on cached public reads', () => {
  let t: TestApp
  let admin: Headers
  beforeAll(async () => {
    t = await buildTestApp()
    admin = (await superAdmin(t)).auth
  })
  afterAll(() => t?.close())

  it('reads If-None-Match as RFC 9110 asks: lists, weak tags and * match', () => {
    const etag = '"abc"'
    for (const header of ['"abc"', '"x", "abc"', 'W/"abc"', '"x",W/"abc"', '*']) {
      expect([header, matchesIfNoneMatch(header, etag)]).toEqual([header, true])
    }
    for (const header of [undefined, '', '"abcd"', 'abc', '"ab"c"', 'W/"x"']) {
      expect([header, matchesIfNoneMatch(header, etag)]).toEqual([header, false])
    }
  })

  it('channels: 304 for the current tag on both mounts, 200 with the body otherwise', async () => {
    const first = await get(t, '/v1_0/channels')
    expect(first.statusCode).toBe(200)
    const etag = etagOf(first)
    expect(first.json().data.channels.length).toBeGreaterThan(0)
    for (const prefix of ['', '/app']) {
      expectNotModified(await get(t, `${prefix}/v1_0/channels`, {}, etag), etag)
      expectNotModified(await get(t, `${prefix}/v1_0/channels`, {}, `W/${etag}, "x"`), etag)
      const other = await get(t, `${prefix}/v1_0/channels`, {}, '"another"')
      expect(other.statusCode).toBe(200)
      expect(other.body).toBe(first.body)
      expect(other.headers['etag']).toBe(etag)
    }
  })

  it('channels: an edit through mis answers 200 with the new list and a new tag', async () => {
    const before = await get(t, '/v1_0/channels')
    const etag = etagOf(before)
    const created = await send(t.app, 'POST', '/mis/v1_0/channels', admin, {
      name: 'etag-news',
      is_visible: 1,
    })
    expect(created.statusCode).toBe(201)
    const after = await get(t, '/v1_0/channels', {}, etag)
    expect(after.statusCode).toBe(200)
    expect(after.body).toContain('etag-news')
    const next = etagOf(after)
    expect(next).not.toBe(etag)
    expectNotModified(await get(t, '/v1_0/channels', {}, next), next)
  })

  it('announcements: one tag per page; a new announcement changes the list and its tag', async () => {
    const first = await get(t, '/v1_0/announcements')
    const etag = etagOf(first)
    expectNotModified(await get(t, '/app/v1_0/announcements', {}, etag), etag)
    const wide = await get(t, '/v1_0/announcements?per_page=20', {}, etag)
    expect(wide.statusCode).toBe(200)
    expect(etagOf(wide)).not.toBe(etag)

    const { insertId } = await t.deps.db.write
      .insertInto('global_announcement')
      .values({ title: '新公告', content: '正文', status: 1, publish_time: '2030-01-01 00:00:00' })
      .executeTakeFirstOrThrow()
    await forgetAnnouncement(t.deps, Number(insertId))
    const after = await get(t, '/v1_0/announcements', {}, etag)
    expect(after.statusCode).toBe(200)
    expect(after.json().data.results[0].title).toBe('新公告')
    expect(etagOf(after)).not.toBe(etag)
  })

  it('profiles: a profile edit, a new fan and the viewer change the answer and its tag', async () => {
    const author = await login(t.app, '13600009201')
    const fan = await login(t.app, '13600009202')
    const url = `/v1_0/users/${author.userId}`
    const first = await get(t, url)
    const etag = etagOf(first)
    expectNotModified(await get(t, url, {}, etag), etag)
    const own = await get(t, '/v1_0/user', author.auth)
    expectNotModified(await get(t, '/v1_0/user', author.auth, etagOf(own)), etagOf(own))

    const edited = await send(t.app, 'PATCH', '/v1_0/user/profile', author.auth, { intro: 'etag' })
    expect(edited.statusCode).toBe(201)
    const afterEdit = await get(t, url, {}, etag)
    expect(afterEdit.statusCode).toBe(200)
    expect(afterEdit.json().data.intro).toBe('etag')
    const ownAfter = await get(t, '/v1_0/user', author.auth, etagOf(own))
    expect(ownAfter.statusCode).toBe(200)
    expect(ownAfter.json().data.intro).toBe('etag')

    const followed = await send(t.app, 'POST', '/v1_0/user/followings', fan.auth, {
      target: author.userId.toString(),
    })
    expect(followed.statusCode).toBe(201)
    const afterFollow = await get(t, url, {}, etagOf(afterEdit))
    expect(afterFollow.statusCode).toBe(200)
    expect(afterFollow.json().data).toMatchObject({ fans_count: 1, is_following: false })
    const seenByFan = await get(t, url, fan.auth, etagOf(afterFollow))
    expect(seenByFan.statusCode).toBe(200)
    expect(seenByFan.json().data).toMatchObject({ fans_count: 1, is_following: true })
  })

  it('a disabled user gets 403, never a 304, whatever tag they send', async () => {
    const user = await login(t.app, '13600009203')
    const etag = etagOf(await get(t, '/v1_0/user', user.auth))
    const body = { user_ids: [user.userId.toString()], status: 0 }
    expect((await send(t.app, 'PUT', '/mis/v1_0/users', admin, body)).statusCode).toBe(201)
    const refused = await get(t, '/v1_0/user', user.auth, etag)
    expect(refused.statusCode).toBe(403)
    expect(refused.json()).toEqual({ message: 'User denied.' })
  })
})

describe.skipIf(!TEST_REDIS_URL)('ETags across two nodes', () => {
  let a: TestApp
  let b: TestApp
  let admin: Headers
  beforeAll(async () => {
    a = await buildTestApp()
    b = await buildTestApp({ shareWith: a })
    admin = (await superAdmin(a)).auth
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  it('a channel edit on A gives B a new list and tag', async () => {
    const etag = etagOf(await get(b, '/v1_0/channels'))
    expectNotModified(await get(b, '/v1_0/channels', {}, etag), etag)
    const created = await send(a.app, 'POST', '/mis/v1_0/channels', admin, {
      name: 'etag-cluster',
      is_visible: 1,
    })
    expect(created.statusCode).toBe(201)
    await vi.waitFor(async () => {
      const after = await get(b, '/v1_0/channels', {}, etag)
      expect(after.statusCode).toBe(200)
      expect(after.body).toContain('etag-cluster')
    }, SLOW)
  })

  it("a follow on A shows in the profile's counts on B; an edit on A too", async () => {
    const author = await login(a.app, '13600009211')
    const fan = await login(a.app, '13600009212')
    const url = `/v1_0/users/${author.userId}`
    // B holds the profile, its counts and their answer first.
    const etag = etagOf(await get(b, url))
    expectNotModified(await get(b, url, {}, etag), etag)
    const target = { target: author.userId.toString() }
    expect((await send(a.app, 'POST', '/v1_0/user/followings', fan.auth, target)).statusCode).toBe(
      201,
    )
    await vi.waitFor(async () => {
      const after = await get(b, url, {}, etag)
      expect(after.statusCode).toBe(200)
      expect(after.json().data.fans_count).toBe(1)
    }, SLOW)
    const own = await get(b, '/v1_0/user', fan.auth)
    expect(own.json().data.follow_count).toBe(1)

    const edited = await send(a.app, 'PATCH', '/v1_0/user/profile', author.auth, { intro: 'b' })
    expect(edited.statusCode).toBe(201)
    await vi.waitFor(async () => {
      expect((await get(b, url)).json().data.intro).toBe('b')
    }, SLOW)
  })
})
