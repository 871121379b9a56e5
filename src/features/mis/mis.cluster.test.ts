import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { TEST_REDIS_URL } from '../../../test/env.js'
import { send } from '../../../test/inject.js'
import { login } from '../../../test/login.js'
import { superAdmin } from '../../../test/mis.js'
import { feedIds, pendingArticle, searchIds } from '../../../test/review.js'

const SLOW = { timeout: 10_000, interval: 50 }

// Two API nodes on one database and one Redis: what an administrator does on A holds on B.
describe.skipIf(!TEST_REDIS_URL)('admin actions across two nodes', () => {
  let a: TestApp
  let b: TestApp
  let admin: Record<string, string>
  beforeAll(async () => {
    a = await buildTestApp()
    b = await buildTestApp({ shareWith: a })
    a.deps.search.start()
    b.deps.search.start()
    admin = (await superAdmin(a)).auth
    // Each node builds its in-process index from the database first (slower under a busy CI).
    for (const node of [a, b])
      await vi.waitFor(() => node.deps.search.search('审核', { page: 1, perPage: 1 }), SLOW)
  }, 60_000)
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  it('an article approved on A is in B’s feed and search; banned on A it leaves them', async () => {
    const id = await pendingArticle(a, '跨节点审核的引力波探测报道')
    expect(await searchIds(b.app, '引力波探测')).not.toContain(id)
    const approve = await send(a.app, 'PUT', '/mis/v1_0/articles', admin, {
      article_ids: [String(id)],
      status: 2,
    })
    expect(approve.statusCode).toBe(201)
    // B hears of the change through Redis pub/sub, a few milliseconds after A's reply.
    await vi.waitFor(async () => {
      expect(await searchIds(b.app, '引力波探测')).toContain(id)
    }, SLOW)
    expect(await feedIds(b.app, '13600009001')).toContain(id)
    expect((await b.app.inject({ url: `/v1_0/articles/${id}` })).statusCode).toBe(200)

    const ban = await send(a.app, 'PUT', '/mis/v1_0/articles', admin, {
      article_ids: [String(id)],
      status: 5,
    })
    expect(ban.statusCode).toBe(201)
    await vi.waitFor(async () => {
      expect(await searchIds(b.app, '引力波探测')).not.toContain(id)
      expect((await b.app.inject({ url: `/v1_0/articles/${id}` })).statusCode).toBe(404)
    }, SLOW)
    expect(await feedIds(b.app, '13600009002')).not.toContain(id)
  })

  it('a user frozen on A is refused on B, refresh too; unfrozen they are back', async () => {
    const user = await login(a.app, '13600009100')
    expect((await send(b.app, 'GET', '/v1_0/user', user.auth)).statusCode).toBe(200)
    const body = { user_ids: [user.userId.toString()], status: 0 }
    const frozen = await send(a.app, 'PUT', '/mis/v1_0/users', admin, body)
    expect(frozen.statusCode).toBe(201)
    expect(frozen.json().data).toEqual({ count: 1 })
    await vi.waitFor(async () => {
      const refused = await send(b.app, 'GET', '/v1_0/user', user.auth)
      expect(refused.statusCode).toBe(403)
      expect(refused.json()).toEqual({ message: 'User denied.' })
    }, SLOW)
    const refresh = await send(b.app, 'PUT', '/v1_0/authorizations', {
      authorization: `Bearer ${user.refresh_token}`,
    })
    expect(refresh.statusCode).toBe(403)

    const back = await send(a.app, 'PUT', '/mis/v1_0/users', admin, { ...body, status: 1 })
    expect(back.json().data).toEqual({ count: 1 })
    await vi.waitFor(async () => {
      expect((await send(b.app, 'GET', '/v1_0/user', user.auth)).statusCode).toBe(200)
    }, SLOW)
  })
})
