import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { exactJson } from '../../../test/json.js'
import { bearer, login } from '../../../test/login.js'
import { mpLogin } from '../../../test/mp.js'
import { send } from '../../../test/inject.js'
import { changeUserStatus, type UserStatus } from '../auth/user-status.js'

const md5 = (text: string) => createHash('md5').update(text).digest('hex')

const changeUserStatusForTest = (t: TestApp, userId: bigint, status: UserStatus) =>
  changeUserStatus(t.deps, userId, status)

describe('mp auth', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const captcha = async (mobile: string) => {
    const reply = await t.app.inject({ url: `/mp/v1_0/captchas/${mobile}` })
    expect(reply.statusCode).toBe(200)
    const body = reply.json() as { message: string; data: string }
    expect(body.message).toBe('OK')
    return JSON.parse(body.data) as { success: number; challenge: string; new_captcha: boolean }
  }
  const smsCode = (mobile: string, query: string) =>
    t.app.inject({ url: `/mp/v1_0/sms/codes/${mobile}?${query}` })

  it('answers the captcha in offline mode and sends an mp code for the failback answer', async () => {
    const mobile = '13911111111'
    const started = await captcha(mobile)
    expect(started).toMatchObject({ success: 0, new_captcha: true })
    expect(started.challenge).toMatch(/^[0-9a-f]{34}$/)
    const sent = vi.spyOn(t.deps.sms, 'sendLoginCode')
    const triple = `challenge=${started.challenge}&validate=${md5(started.challenge)}&seccode=x`

    const wrong = await smsCode(mobile, `challenge=${started.challenge}&validate=bad&seccode=x`)
    expect([wrong.statusCode, wrong.json()]).toEqual([403, { message: 'Captcha validate failed.' }])
    const forged = await smsCode(
      mobile,
      `challenge=${'0'.repeat(34)}&validate=${md5('0'.repeat(34))}&seccode=x`,
    )
    expect([forged.statusCode, forged.json()]).toEqual([400, { message: 'Captcha expired.' }])
    const otherMobile = await smsCode('13911111112', triple)
    expect(otherMobile.statusCode).toBe(400)
    expect((await smsCode(mobile, `challenge=${started.challenge}`)).statusCode).toBe(400)

    const ok = await smsCode(mobile, triple)
    expect([ok.statusCode, ok.json()]).toEqual([200, { message: 'OK', data: { mobile } }])
    expect(sent).toHaveBeenCalledTimes(1)
    const code = sent.mock.calls[0]?.[1] as string
    // The same limit as the app's SMS route: one per minute per mobile.
    expect((await smsCode(mobile, triple)).statusCode).toBe(429)

    // The mp code logs into mp only (the app reads app:code:).
    const app = await t.app.inject({
      method: 'POST',
      url: '/v1_0/authorizations',
      payload: { mobile, code },
    })
    expect(app.statusCode).toBe(400)
    // A wrong guess does not use the code up (the app's rules for codes apply to mp's too).
    const guess = await t.app.inject({
      method: 'POST',
      url: '/mp/v1_0/authorizations',
      payload: { mobile, code: code === '000001' ? '000002' : '000001' },
    })
    expect(guess.statusCode).toBe(400)
    const reply = await t.app.inject({
      method: 'POST',
      url: '/mp/v1_0/authorizations',
      payload: { mobile, code, agree: true },
    })
    expect(reply.statusCode).toBe(201)
    const data = exactJson(reply.body).data
    expect(Object.keys(data).sort()).toEqual(['id', 'name', 'photo', 'refresh_token', 'token'])
    expect(data.name).toBe('黑马头条号')
    expect(data.photo).toMatch(/^http:\/\/headline\.test\/uploads\//)
    const payload = JSON.parse(Buffer.from(data.token.split('.')[1], 'base64url').toString())
    expect(payload).toMatchObject({ refresh: false, verified: true })
    // No 52-week tokens for anybody: two hours, as for every author.
    expect(payload.exp - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(2 * 3600)
  })

  it('refuses wrong codes, unknown mobiles and disabled users', async () => {
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/mp/v1_0/authorizations',
      payload: { mobile: '13911111111', code: '000000' },
    })
    expect([wrong.statusCode, wrong.json()]).toEqual([400, { message: 'Invalid code.' }])
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/mp/v1_0/authorizations',
      payload: { mobile: '13900000000', code: '246810' },
    })
    expect([unknown.statusCode, unknown.json()]).toEqual([
      403,
      { message: 'Please verify your real information in app.' },
    ])
    const user = await login(t.app, '13500000401')
    await changeUserStatusForTest(t, user.userId, 0)
    const disabled = await t.app.inject({
      method: 'POST',
      url: '/mp/v1_0/authorizations',
      payload: { mobile: '13500000401', code: '246810' },
    })
    expect([disabled.statusCode, disabled.json()]).toEqual([403, { message: 'User denied.' }])
  })

  it('guards every mp route with verify_required; mp tokens also work on the app API', async () => {
    const author = await mpLogin(t.app)
    const app = await login(t.app)
    const profile = '/mp/v1_0/user/profile'
    const none = await send(t.app, 'GET', profile)
    expect([none.statusCode, none.json()]).toEqual([401, { message: 'User must be authorized.' }])
    const appToken = await send(t.app, 'GET', profile, app.auth)
    expect([appToken.statusCode, appToken.json()]).toEqual([
      403,
      { message: 'User must be real info verified.' },
    ])
    const refreshToken = await send(t.app, 'GET', profile, bearer(author.refresh_token))
    expect([refreshToken.statusCode, refreshToken.json()]).toEqual([
      403,
      { message: 'Do not use refresh token.' },
    ])
    expect((await send(t.app, 'GET', profile, author.auth)).statusCode).toBe(200)
    expect((await send(t.app, 'GET', '/v1_0/user', author.auth)).statusCode).toBe(200)
    // The article routes the original left open are guarded too.
    for (const [method, url] of [
      ['GET', '/mp/v1_0/articles/1'],
      ['PUT', '/mp/v1_0/articles/1'],
      ['DELETE', '/mp/v1_0/articles/1'],
    ] as const) {
      expect((await send(t.app, method, url, app.auth, {})).statusCode).toBe(403)
    }
  })

  it('refreshes with an mp refresh token only, and not for a disabled user', async () => {
    const author = await mpLogin(t.app, '13611111111')
    const refresh = (headers: Record<string, string>) =>
      send(t.app, 'PUT', '/mp/v1_0/authorizations', headers)
    const fresh = await refresh(bearer(author.refresh_token))
    expect(fresh.statusCode).toBe(201)
    const token = fresh.json().data.token as string
    expect((await send(t.app, 'GET', '/mp/v1_0/user/profile', bearer(token))).statusCode).toBe(200)
    const appUser = await login(t.app, '13611111111')
    for (const headers of [{}, author.auth, bearer(appUser.refresh_token)]) {
      const refused = await refresh(headers)
      expect([refused.statusCode, refused.json()]).toEqual([
        403,
        { message: 'Wrong refresh token.' },
      ])
    }
    await changeUserStatusForTest(t, author.userId, 0)
    expect((await refresh(bearer(author.refresh_token))).json()).toEqual({
      message: 'User denied.',
    })
    expect((await send(t.app, 'GET', '/mp/v1_0/user/profile', author.auth)).statusCode).toBe(403)
    await changeUserStatusForTest(t, author.userId, 1)
  })
})
