import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { send } from '../../../test/inject.js'
import { bearer, login } from '../../../test/login.js'
import { adminWith, superAdmin } from '../../../test/mis.js'
import { pendingArticle } from '../../../test/review.js'

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  url: string
  body?: unknown
}
/** A route, its permission code, and a call that succeeds for an administrator holding it. */
interface Route {
  code: string
  ok: number
  call: (fixture: Fixture) => Promise<Call> | Call
}
interface Fixture {
  t: TestApp
  auth: Record<string, string>
  unique: () => string
  create: (url: string, body: unknown) => Promise<any>
}

const ROUTES: Route[] = [
  {
    code: 'administrator-list-get',
    ok: 200,
    call: () => ({ method: 'GET', url: '/administrators' }),
  },
  {
    code: 'administrator-list-post',
    ok: 201,
    call: async (f) => ({
      method: 'POST',
      url: '/administrators',
      body: {
        account: `n${f.unique()}`,
        password: 'abc12345',
        name: 'n',
        group_id: await superGroup(f),
      },
    }),
  },
  {
    code: 'administrator-list-delete',
    ok: 204,
    call: async (f) => ({
      method: 'DELETE',
      url: '/administrators',
      body: { administrator_ids: [await newAdmin(f)] },
    }),
  },
  {
    code: 'administrator-get',
    ok: 200,
    call: async (f) => ({ method: 'GET', url: `/administrators/${await newAdmin(f)}` }),
  },
  {
    code: 'administrator-put',
    ok: 201,
    call: async (f) => ({
      method: 'PUT',
      url: `/administrators/${await newAdmin(f)}`,
      body: { name: 'renamed' },
    }),
  },
  {
    code: 'administrator-delete',
    ok: 204,
    call: async (f) => ({ method: 'DELETE', url: `/administrators/${await newAdmin(f)}` }),
  },
  { code: 'group-list-get', ok: 200, call: () => ({ method: 'GET', url: '/groups' }) },
  {
    code: 'group-list-post',
    ok: 200,
    call: (f) => ({ method: 'POST', url: '/groups', body: { name: `g${f.unique()}` } }),
  },
  {
    code: 'group-get',
    ok: 200,
    call: async (f) => ({ method: 'GET', url: `/groups/${await newGroup(f)}` }),
  },
  {
    code: 'group-put',
    ok: 201,
    call: async (f) => ({
      method: 'PUT',
      url: `/groups/${await newGroup(f)}`,
      body: { remark: 'r' },
    }),
  },
  {
    code: 'group-delete',
    ok: 204,
    call: async (f) => ({ method: 'DELETE', url: `/groups/${await newGroup(f)}` }),
  },
  {
    code: 'permission-list-get',
    ok: 200,
    call: () => ({ method: 'GET', url: '/permissions?parent_id=0' }),
  },
  {
    code: 'permission-list-post',
    ok: 201,
    call: (f) => ({
      method: 'POST',
      url: '/permissions',
      body: { name: `p${f.unique()}`, type: 1, code: 'x-get', parent_id: 7 },
    }),
  },
  {
    code: 'permission-get',
    ok: 200,
    call: async (f) => ({ method: 'GET', url: `/permissions/${await newPermission(f)}` }),
  },
  {
    code: 'permission-put',
    ok: 201,
    call: async (f) => ({
      method: 'PUT',
      url: `/permissions/${await newPermission(f)}`,
      body: { sequence: 3 },
    }),
  },
  {
    code: 'permission-delete',
    ok: 204,
    call: async (f) => ({ method: 'DELETE', url: `/permissions/${await newPermission(f)}` }),
  },
  { code: 'operationlog-get', ok: 200, call: () => ({ method: 'GET', url: '/operationlogs' }) },
  { code: 'userlist-get', ok: 200, call: () => ({ method: 'GET', url: '/users?keyword=139' }) },
  {
    code: 'userlist-post',
    ok: 201,
    call: (f) => {
      const n =
        String(Date.now() % 1e8).padStart(8, '0') + (f.unique().slice(-1).charCodeAt(0) % 10)
      return {
        method: 'POST',
        url: '/users',
        body: {
          account: `u${f.unique()}`,
          password: 'abc12345',
          name: `u${f.unique()}`.slice(0, 7),
          mobile: `17${n.slice(-9)}`,
          gender: 0,
        },
      }
    },
  },
  {
    code: 'user-get',
    ok: 200,
    call: async (f) => ({ method: 'GET', url: `/users/${await someUser(f)}` }),
  },
  {
    code: 'legalize-list-get',
    ok: 200,
    call: () => ({ method: 'GET', url: '/legalizes?status=1' }),
  },
  {
    code: 'legalize-list-put',
    ok: 201,
    call: async (f) => ({
      method: 'PUT',
      url: '/legalizes',
      body: { legalize_ids: [await newLegalize(f)], status: 2 },
    }),
  },
  {
    code: 'legalize-get',
    ok: 200,
    call: async (f) => ({ method: 'GET', url: `/legalizes/${await newLegalize(f)}` }),
  },
  { code: 'channel-list-get', ok: 200, call: () => ({ method: 'GET', url: '/channels' }) },
  {
    code: 'channel-list-post',
    ok: 201,
    call: (f) => ({
      method: 'POST',
      url: '/channels',
      body: { name: `c${f.unique()}`, is_visible: 1 },
    }),
  },
  {
    code: 'channel-list-put',
    ok: 201,
    call: async (f) => ({
      method: 'PUT',
      url: `/channels/${await newChannel(f)}`,
      body: { name: `c${f.unique()}`, is_visible: 0 },
    }),
  },
  {
    code: 'channel-list-delete',
    ok: 204,
    call: async (f) => ({ method: 'DELETE', url: `/channels/${await newChannel(f)}` }),
  },
  {
    code: 'userlist-put',
    ok: 201,
    call: async (f) => ({
      method: 'PUT',
      url: '/users',
      body: { user_ids: [await someUser(f)], status: 1 },
    }),
  },
  {
    code: 'article-list-get',
    ok: 200,
    call: () => ({ method: 'GET', url: '/articles?status_list=1,2' }),
  },
  {
    code: 'article-list-put',
    ok: 201,
    call: async (f) => ({
      method: 'PUT',
      url: '/articles',
      body: { article_ids: [await newArticle(f)], status: 3 },
    }),
  },
  {
    code: 'article-get',
    ok: 200,
    call: async (f) => ({ method: 'GET', url: `/articles/${await newArticle(f)}` }),
  },
  {
    code: 'sensitive-word-list-get',
    ok: 200,
    call: () => ({ method: 'GET', url: '/sensitive_words' }),
  },
  {
    code: 'sensitive-word-list-post',
    ok: 201,
    call: (f) => ({
      method: 'POST',
      url: '/sensitive_words',
      body: { word: `w${f.unique()}`, weights: 1 },
    }),
  },
  {
    code: 'sensitive-word-get',
    ok: 200,
    call: async (f) => ({ method: 'GET', url: `/sensitive_words/${await newWord(f)}` }),
  },
  {
    code: 'sensitive-word-put',
    ok: 201,
    call: async (f) => ({
      method: 'PUT',
      url: `/sensitive_words/${await newWord(f)}`,
      body: { word: `w${f.unique()}`, weights: 2 },
    }),
  },
  {
    code: 'sensitive-word-delete',
    ok: 204,
    call: async (f) => ({ method: 'DELETE', url: `/sensitive_words/${await newWord(f)}` }),
  },
  {
    code: 'statistics-basic-get',
    ok: 200,
    call: () => ({ method: 'GET', url: '/statistics_basic?type=new_user' }),
  },
  {
    code: 'statistics-search-get',
    ok: 200,
    call: () => ({ method: 'GET', url: '/statistics_search' }),
  },
  {
    code: 'statistics-search-total-get',
    ok: 200,
    call: () => ({ method: 'GET', url: '/statistics_search_total' }),
  },
  {
    code: 'statistics-sales-total-get',
    ok: 200,
    call: () => ({ method: 'GET', url: '/statistics_sales_total' }),
  },
  {
    code: 'statistics-read-source-total-get',
    ok: 200,
    call: () => ({ method: 'GET', url: '/statistics_read_source_total' }),
  },
]

const newArticle = async (f: Fixture) => String(await pendingArticle(f.t, `矩阵文章${f.unique()}`))
const newWord = async (f: Fixture) =>
  String((await f.create('/sensitive_words', { word: `w${f.unique()}`, weights: 1 })).id)

async function superGroup(f: Fixture) {
  const row = await f.t.deps.db.write
    .selectFrom('mis_administrator_group')
    .select('group_id')
    .where('name', '=', '超级管理员')
    .executeTakeFirstOrThrow()
  return String(row.group_id)
}
const newAdmin = async (f: Fixture) =>
  String(
    (
      await f.create('/administrators', {
        account: `n${f.unique()}`,
        password: 'abc12345',
        name: 'n',
        group_id: await superGroup(f),
      })
    ).administrator_id,
  )
const newGroup = async (f: Fixture) =>
  String((await f.create('/groups', { name: `g${f.unique()}` })).group_id)
const newPermission = async (f: Fixture) =>
  String(
    (
      await f.create('/permissions', {
        name: `p${f.unique()}`,
        type: 1,
        code: 'y-get',
        parent_id: 7,
      })
    ).permission_id,
  )
const newChannel = async (f: Fixture) =>
  (await f.create('/channels', { name: `c${f.unique()}`, is_visible: 1 })).channel_id as string
async function someUser(f: Fixture) {
  const row = await f.t.deps.db.write
    .selectFrom('user_basic')
    .select('user_id')
    .executeTakeFirstOrThrow()
  return String(row.user_id)
}
async function newLegalize(f: Fixture) {
  const db = f.t.deps.db.write
  await db
    .insertInto('user_legalize_log')
    .values({ user_id: await someUser(f), type: 1, status: 1, qualification_id: '0' })
    .execute()
  const row = await db
    .selectFrom('user_legalize_log')
    .select('legalize_id')
    .orderBy('legalize_id', 'desc')
    .executeTakeFirstOrThrow()
  return String(row.legalize_id)
}

describe('mis permission matrix', () => {
  let t: TestApp
  let f: Fixture
  let app: Record<string, string>
  let mp: Record<string, string>
  let disabledGroup: Record<string, string>
  let disabledAdmin: Record<string, string>
  beforeAll(async () => {
    t = await buildTestApp()
    const root = await superAdmin(t)
    let n = 0
    f = {
      t,
      auth: root.auth,
      unique: () => `${Date.now().toString(36)}${(n++).toString(36)}`.slice(-12),
      create: async (url, body) => {
        const response = await send(t.app, 'POST', `/mis/v1_0${url}`, root.auth, body)
        expect(response.statusCode, response.body).toBeLessThan(300)
        return response.json().data
      },
    }
    const user = await login(t.app)
    app = user.auth
    mp = bearer(
      await t.deps.tokens.sign({ userId: user.userId, refresh: false, verified: true }, 3600),
    )
    const codes = ROUTES.map((r) => r.code)
    disabledGroup = (await adminWith(t, codes, { groupStatus: 0 })).auth
    const off = await adminWith(t, codes)
    await t.deps.db.write
      .updateTable('mis_administrator')
      .set({ status: 0 })
      .where('account', '=', off.account)
      .execute()
    disabledAdmin = off.auth
  }, 120_000)
  afterAll(() => t?.close())

  it('covers every guarded admin route once', () => {
    const codes = ROUTES.map((r) => r.code)
    expect(new Set(codes).size).toBe(codes.length)
    // Every operation under /mis/v1_0 in the OpenAPI document but login, captcha, own password.
    const open = ['/authorizations', '/captchas/{account}', '/password']
    const { paths } = t.app.swagger() as { paths: Record<string, Record<string, unknown>> }
    const guarded = Object.entries(paths)
      .filter(([path]) => path.startsWith('/mis/v1_0/') && !open.includes(path.slice(9)))
      .flatMap(([path, operations]) => Object.keys(operations).map((m) => `${m} ${path}`))
    expect(guarded).toHaveLength(ROUTES.length)
  })

  for (const route of ROUTES) {
    it(`${route.code}: 401 / 403 / 403 / 403 / 403 / 403 / ${route.ok}`, async () => {
      const call = await route.call(f)
      const go = (headers: Record<string, string>) =>
        send(t.app, call.method, `/mis/v1_0${call.url}`, headers, call.body)
      const expectRefused = async (
        headers: Record<string, string>,
        status: number,
        message: string,
      ) => {
        const response = await go(headers)
        expect(response.statusCode, `${route.code} ${message}`).toBe(status)
        expect(response.json()).toEqual({ message })
      }
      await expectRefused({}, 401, 'Administrator must be authorized.')
      await expectRefused(app, 403, 'Permission denied.')
      await expectRefused(mp, 403, 'Permission denied.')
      const others = ROUTES.map((r) => r.code).filter((code) => code !== route.code)
      await expectRefused((await adminWith(t, others)).auth, 403, 'Permission denied.')
      await expectRefused(disabledGroup, 403, 'Group status disable.')
      await expectRefused(disabledAdmin, 403, 'Administrator status disable.')
      const allowed = await go((await adminWith(t, [route.code])).auth)
      expect(allowed.statusCode, `${route.code}: ${allowed.body}`).toBe(route.ok)
    })
  }
})
