import { pbkdf2Sync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../../test/app.js'
import { send } from '../../../../test/inject.js'
import { bearer, login } from '../../../../test/login.js'
import { ADMIN_PASSWORD, adminLogin, superAdmin } from '../../../../test/mis.js'
import { adminCommand } from '../../../cli/admin.js'

const LOGIN = '/mis/v1_0/authorizations'

describe('mis login', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t?.close())

  const passwordOf = async (account: string) =>
    (
      await t.deps.db.write
        .selectFrom('mis_administrator')
        .select('password')
        .where('account', '=', account)
        .executeTakeFirstOrThrow()
    ).password

  it('admin create makes a super administrator once, prints its id, never the password', async () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const args = ['create', '--account', 'boss', '--password', 'Boss12345', '--name', '老板']
      expect(await adminCommand(args, t.deps)).toBe(0)
      expect(await adminCommand(args, t.deps)).toBe(0)
      const printed = out.mock.calls.map((call) => String(call[0]))
      expect(printed).toHaveLength(2)
      expect(printed[0]).toMatch(/^\d+$/)
      expect(printed[1]).toBe(printed[0])
      expect(
        await adminCommand(['create', '--account', 'weak', '--password', 'short'], t.deps),
      ).toBe(2)
      expect(await adminCommand(['create', '--account', 'x'], t.deps)).toBe(2)
      const everything = [...out.mock.calls, ...err.mock.calls].flat().join('\n')
      expect(everything).not.toContain('Boss12345')
      expect(everything).not.toContain('short')
      expect(await passwordOf('boss')).toMatch(/^scrypt:16384:8:1\$/)
      expect(await passwordOf('boss')).not.toContain('Boss12345')

      const response = await send(
        t.app,
        'POST',
        LOGIN,
        {},
        { account: 'boss', password: 'Boss12345' },
      )
      expect(response.statusCode).toBe(201)
      const data = response.json().data
      expect(String(data.administrator_id)).toBe(printed[0])
      expect(data.name).toBe('老板')
    } finally {
      out.mockRestore()
      err.mockRestore()
    }
  })

  it('answers the contract body with the whole permission tree, all checked for a super admin', async () => {
    await superAdmin(t, 'root')
    const response = await send(
      t.app,
      'POST',
      LOGIN,
      {},
      {
        account: 'root',
        password: ADMIN_PASSWORD,
        challenge: 'c',
        validate: 'v',
        seccode: 's',
      },
    )
    expect(response.statusCode).toBe(201)
    const data = response.json().data
    expect(Object.keys(data).sort()).toEqual(
      ['administrator_id', 'group_id', 'name', 'permission_tree', 'refresh_token', 'token'].sort(),
    )
    const roots = data.permission_tree.map((node: { name: string }) => node.name)
    expect(roots).toEqual(['首页', '用户管理', '信息管理', '数据统计', '系统管理', '推荐系统'])
    const users = data.permission_tree[1]
    expect(users.children.map((n: { code: string }) => n.code)).toEqual([
      '/home/user',
      '/home/userAudit',
    ])
    const points = users.children[0].children
    expect(points.map((n: { code: string }) => n.code)).toEqual([
      'userlist-get',
      'userlist-post',
      'userlist-put',
      'user-get',
    ])
    expect(points[0]).toMatchObject({ type: 1, parent_id: 7, checked: 1, children: [] })
    const payload = JSON.parse(Buffer.from(data.token.split('.')[1], 'base64url').toString())
    expect(payload).toMatchObject({ administrator_id: data.administrator_id, refresh: false })
    expect(payload.user_id).toBeUndefined()
  })

  it('refuses wrong passwords and unknown accounts with the original texts', async () => {
    await superAdmin(t, 'root')
    const wrong = await send(t.app, 'POST', LOGIN, {}, { account: 'root', password: 'wrong1234' })
    expect(wrong.statusCode).toBe(403)
    expect(wrong.json()).toEqual({ message: 'Wrong password' })
    const unknown = await send(
      t.app,
      'POST',
      LOGIN,
      {},
      { account: 'nobody', password: 'wrong1234' },
    )
    expect(unknown.statusCode).toBe(403)
    expect(unknown.json()).toEqual({ message: 'Please verify your real information in web.' })
    const bad = await send(t.app, 'POST', LOGIN, {}, { account: '1abc', password: 'x' })
    expect(bad.statusCode).toBe(400)
    expect(typeof bad.json().message).toBe('object')
  })

  it('locks an account for 15 minutes after 5 wrong passwords, other accounts unaffected', async () => {
    await superAdmin(t, 'locked')
    await superAdmin(t, 'other')
    for (let i = 0; i < 5; i++) {
      const r = await send(t.app, 'POST', LOGIN, {}, { account: 'locked', password: 'wrong1234' })
      expect(r.statusCode).toBe(403)
    }
    const right = await send(
      t.app,
      'POST',
      LOGIN,
      {},
      { account: 'locked', password: ADMIN_PASSWORD },
    )
    expect(right.statusCode).toBe(429)
    expect(right.json()).toEqual({ message: 'Too many requests.' })
    await adminLogin(t.app, 'other')
  })

  it('refreshes with the refresh token only', async () => {
    const admin = await superAdmin(t, 'root')
    const fresh = await send(t.app, 'PUT', LOGIN, bearer(admin.refresh_token))
    expect(fresh.statusCode).toBe(201)
    expect(Object.keys(fresh.json().data)).toEqual(['token'])
    const list = await send(
      t.app,
      'GET',
      '/mis/v1_0/administrators',
      bearer(fresh.json().data.token),
    )
    expect(list.statusCode).toBe(200)
    for (const headers of [admin.auth, {}]) {
      const refused = await send(t.app, 'PUT', LOGIN, headers)
      expect(refused.statusCode).toBe(403)
      expect(refused.json()).toEqual({ message: 'Wrong refresh token.' })
    }
    const asAccess = await send(
      t.app,
      'GET',
      '/mis/v1_0/administrators',
      bearer(admin.refresh_token),
    )
    expect(asAccess.statusCode).toBe(403)
    expect(asAccess.json()).toEqual({ message: 'Do not use refresh token.' })
  })

  it('changes the own password after checking the old one', async () => {
    const admin = await superAdmin(t, 'changer')
    const url = '/mis/v1_0/password'
    const wrong = await send(t.app, 'PUT', url, admin.auth, {
      old_password: 'nothis123',
      password: 'newpass123',
    })
    expect(wrong.statusCode).toBe(403)
    expect(wrong.json()).toEqual({ message: 'Old password wrong.' })
    const anonymous = await send(
      t.app,
      'PUT',
      url,
      {},
      { old_password: ADMIN_PASSWORD, password: 'newpass123' },
    )
    expect(anonymous.statusCode).toBe(401)
    const body = { old_password: ADMIN_PASSWORD, password: 'newpass123' }
    const changed = await send(t.app, 'PUT', url, admin.auth, body)
    expect(changed.statusCode).toBe(201)
    expect(changed.json()).toEqual({ message: 'ok' })
    await adminLogin(t.app, 'changer', 'newpass123')
    const old = await send(
      t.app,
      'POST',
      LOGIN,
      {},
      { account: 'changer', password: ADMIN_PASSWORD },
    )
    expect(old.statusCode).toBe(403)
  })

  it('keeps app, mp and admin tokens apart', async () => {
    const admin = await superAdmin(t, 'root')
    const user = await login(t.app)
    const onApp = await send(t.app, 'GET', '/v1_0/user', admin.auth)
    expect(onApp.statusCode).toBe(401)
    const onMis = await send(t.app, 'GET', '/mis/v1_0/administrators', user.auth)
    expect(onMis.statusCode).toBe(403)
    expect(onMis.json()).toEqual({ message: 'Permission denied.' })
    const none = await send(t.app, 'GET', '/mis/v1_0/administrators')
    expect(none.statusCode).toBe(401)
    expect(none.json()).toEqual({ message: 'Administrator must be authorized.' })
  })

  it("accepts an existing deployment's werkzeug hash once, then stores scrypt", async () => {
    const salt = 'AbCdEfGh'
    const hex = pbkdf2Sync('legacy123', salt, 50000, 32, 'sha256').toString('hex')
    await superAdmin(t, 'legacy')
    await t.deps.db.write
      .updateTable('mis_administrator')
      .set({ password: `pbkdf2:sha256:50000$${salt}$${hex}` })
      .where('account', '=', 'legacy')
      .execute()
    await adminLogin(t.app, 'legacy', 'legacy123')
    expect(await passwordOf('legacy')).toMatch(/^scrypt:/)
    await adminLogin(t.app, 'legacy', 'legacy123')
  })

  it('answers the captcha in the offline shape', async () => {
    const response = await send(t.app, 'GET', '/mis/v1_0/captchas/root')
    expect(response.statusCode).toBe(200)
    expect(JSON.parse(response.json().data)).toMatchObject({
      success: 0,
      challenge: expect.any(String),
    })
  })
})
