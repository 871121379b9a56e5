import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest'
import { buildTestApp, TEST_SMS_CODE, type TestApp } from '../../../test/app.js'
import { exactJson } from '../../../test/json.js'
import { bearer, login, userIdOfToken } from '../../../test/login.js'
import { NOT_FOUND } from '../../errors.js'
import type { SmsSender } from '../../infra/sms/sms-sender.js'
import { findUserByMobile } from '../users/users.repo.js'
import { ACCESS_TOKEN_SECONDS, createTokenService, REFRESH_TOKEN_SECONDS } from './tokens.js'
import { changeUserStatus } from './user-status.js'
import { LOGIN_LIMITS } from './login-limits.js'
import { NEW_USER_NAME } from './display-names.js'

const MOUNTS = ['', '/app']
const TOO_MANY = { message: 'Too many requests.' }
const INVALID_CODE = { message: 'Invalid code.' }

/** Disables or enables a user the way an admin action does. */
async function setStatus(t: TestApp, userId: bigint, status: 0 | 1) {
  await changeUserStatus(t.deps, userId, status)
}

const tokenPayload = (token: string) =>
  exactJson(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))

describe('SMS codes and login with them', () => {
  let t: TestApp
  let sent: MockInstance<SmsSender['sendLoginCode']>
  beforeAll(async () => {
    // No test code here: only codes that were really sent can log in.
    t = await buildTestApp({ env: { SMS_TEST_CODE: '' } })
    sent = vi.spyOn(t.deps.sms, 'sendLoginCode')
  })
  afterAll(() => t.close())

  const requestCode = (mobile: string, prefix = '', remoteAddress = '127.0.0.1') =>
    t.app.inject({ url: `${prefix}/v1_0/sms/codes/${mobile}`, remoteAddress })
  const postLogin = (payload: Record<string, string>, prefix = '') =>
    t.app.inject({ method: 'POST', url: `${prefix}/v1_0/authorizations`, payload })
  const lastCodeFor = (mobile: string): string => {
    const call = sent.mock.calls.findLast(([to]) => to === mobile)
    if (!call) throw new Error(`no code sent to ${mobile}`)
    return call[1]
  }
  const otherCode = (code: string) => (code === '000000' ? '000001' : '000000')

  it.each(MOUNTS)('sends a six-digit code that logs in once (mount "%s")', async (prefix) => {
    const mobile = prefix ? '13700000102' : '13700000101'
    const response = await requestCode(mobile, prefix)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(response.json()).toEqual({ message: 'OK', data: { mobile } })
    const code = lastCodeFor(mobile)
    expect(code).toMatch(/^\d{6}$/)

    const first = await postLogin({ mobile, code }, prefix)
    expect(first.statusCode).toBe(201)
    const { token, refresh_token } = first.json().data
    expect(first.json()).toEqual({ message: 'OK', data: { token, refresh_token } })
    const user = await findUserByMobile(t.deps.db.read, mobile)
    expect(userIdOfToken(token)).toBe(user?.id)

    const again = await postLogin({ mobile, code }, prefix)
    expect(again.statusCode).toBe(400)
    expect(again.json()).toEqual(INVALID_CODE)
  })

  it('keeps the code through wrong guesses, and kills it at the fifth', async () => {
    const mobile = '13700000103'
    await requestCode(mobile)
    const code = lastCodeFor(mobile)
    for (let i = 0; i < 4; i++) {
      const wrong = await postLogin({ mobile, code: otherCode(code) })
      expect(wrong.statusCode).toBe(400)
      expect(wrong.json()).toEqual(INVALID_CODE)
    }
    expect((await postLogin({ mobile, code })).statusCode).toBe(201)

    const victim = '13700000111'
    await requestCode(victim)
    const victimCode = lastCodeFor(victim)
    for (let i = 0; i < 5; i++) await postLogin({ mobile: victim, code: otherCode(victimCode) })
    const late = await postLogin({ mobile: victim, code: victimCode })
    expect(late.statusCode).toBe(400)
    expect(late.json()).toEqual(INVALID_CODE)
  })

  it('allows 10 failed logins per mobile in 15 minutes, then answers 429 on both mounts', async () => {
    const mobile = '13700000112'
    for (let i = 0; i < LOGIN_LIMITS.mobile.max; i++) {
      const response = await postLogin({ mobile, code: '000000' }, MOUNTS[i % 2])
      expect(response.statusCode).toBe(400)
    }
    for (const prefix of MOUNTS) {
      const over = await postLogin({ mobile, code: '000000' }, prefix)
      expect(over.statusCode).toBe(429)
      expect(over.json()).toEqual(TOO_MANY)
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0)
    }
    // Even the right code waits: guessing must not go on.
    await t.deps.smsCodes.save('app', mobile, '864200', 300)
    expect((await postLogin({ mobile, code: '864200' })).statusCode).toBe(429)
    expect((await postLogin({ mobile: '13700000113', code: '000000' })).statusCode).toBe(400)
  })

  it('allows 50 failed logins per IP address in 15 minutes, over any mobiles', async () => {
    const ip = '203.0.113.20'
    const attempt = (mobile: string, from = ip) =>
      t.app.inject({
        method: 'POST',
        url: '/v1_0/authorizations',
        payload: { mobile, code: '000000' },
        remoteAddress: from,
      })
    for (let i = 0; i < LOGIN_LIMITS.ip.max; i++) {
      expect((await attempt(`1590000${String(i).padStart(4, '0')}`)).statusCode).toBe(400)
    }
    const over = await attempt('15900009999')
    expect(over.statusCode).toBe(429)
    expect(over.json()).toEqual(TOO_MANY)
    expect((await attempt('15900009999', '203.0.113.21')).statusCode).toBe(400)
  })

  it('names its rate-limit counters after what they count', async () => {
    const ip = '203.0.113.30'
    const mobile = '13700000114'
    await requestCode(mobile, '', ip)
    await postLogin({ mobile, code: '000000' })
    const counters = t.deps.rateCounters
    expect((await counters.peek(`headline:ratelimit:sms:ip:${ip}`)).hits).toBe(1)
    expect((await counters.peek(`headline:ratelimit:sms:mobile:${mobile}`)).hits).toBe(1)
    expect((await counters.peek(`app:code:login:mobile:${mobile}`)).hits).toBe(1)
  })

  it('refuses a code sent to another mobile, a code never sent, and the unset test code', async () => {
    await requestCode('13700000104')
    const code = lastCodeFor('13700000104')
    for (const payload of [
      { mobile: '13700000105', code },
      { mobile: '13700000106', code: '123456' },
      { mobile: '13700000107', code: TEST_SMS_CODE },
    ]) {
      const response = await postLogin(payload)
      expect(response.statusCode).toBe(400)
      expect(response.json()).toEqual(INVALID_CODE)
    }
    expect(await findUserByMobile(t.deps.db.read, '13700000105')).toBeNull()
  })

  it.each(['12345678901', '1391111111', '139111111112', '1391111111a', '+8613911111111'])(
    'answers 404 for a mobile the URL does not accept (%s)',
    async (mobile) => {
      const response = await requestCode(mobile)
      expect(response.statusCode).toBe(404)
      expect(response.json()).toEqual({ message: NOT_FOUND })
    },
  )

  it('allows one code per mobile per minute, across both mounts', async () => {
    const mobile = '13700000108'
    expect((await requestCode(mobile)).statusCode).toBe(200)
    for (const prefix of MOUNTS) {
      const again = await requestCode(mobile, prefix)
      expect(again.statusCode).toBe(429)
      expect(again.json()).toEqual(TOO_MANY)
      expect(Number(again.headers['retry-after'])).toBeGreaterThan(0)
    }
    expect(sent.mock.calls.filter(([to]) => to === mobile)).toHaveLength(1)
    expect((await requestCode('13700000109')).statusCode).toBe(200)
  })

  it('allows 100 codes per hour per IP address, across both mounts', async () => {
    const ip = '203.0.113.9'
    for (let i = 0; i < 100; i++) {
      const mobile = `1580000${String(i).padStart(4, '0')}`
      const response = await requestCode(mobile, MOUNTS[i % 2], ip)
      expect(response.statusCode).toBe(200)
    }
    for (const prefix of MOUNTS) {
      const over = await requestCode('15800009999', prefix, ip)
      expect(over.statusCode).toBe(429)
      expect(over.json()).toEqual(TOO_MANY)
    }
    expect(sent.mock.calls.filter(([to]) => to === '15800009999')).toHaveLength(0)
    expect((await requestCode('15800009999', '', '203.0.113.10')).statusCode).toBe(200)
  })

  it('does not count 404s against the limits', async () => {
    const ip = '203.0.113.11'
    for (let i = 0; i < 3; i++) expect((await requestCode('123', '', ip)).statusCode).toBe(404)
    expect((await requestCode('13700000110', '', ip)).statusCode).toBe(200)
  })

  it.each([
    [{ mobile: '12345', code: '123456' }, 'mobile'],
    [{ mobile: '13911111111', code: '12345' }, 'code'],
    [{ mobile: '13911111111', code: '1234567' }, 'code'],
    [{ mobile: '13911111111', code: 'abcdef' }, 'code'],
    [{ code: '123456' }, 'mobile'],
    [{ mobile: '13911111111' }, 'code'],
  ])('answers 400 with the field in an object message (%j)', async (payload, field) => {
    for (const prefix of MOUNTS) {
      const response = await postLogin(payload, prefix)
      expect(response.statusCode).toBe(400)
      const body = response.json()
      expect(Object.keys(body)).toEqual(['message'])
      expect(Object.keys(body.message)).toEqual([field])
      expect(body.message[field]).toEqual(expect.any(String))
    }
  })

  it('answers 400 for a body that is not JSON or is missing', async () => {
    const broken = await t.app.inject({
      method: 'POST',
      url: '/v1_0/authorizations',
      headers: { 'content-type': 'application/json' },
      payload: '{"mobile":',
    })
    expect(broken.statusCode).toBe(400)
    expect(broken.json()).toEqual({
      message: 'The browser (or proxy) sent a request that this server could not understand.',
    })
    const empty = await t.app.inject({ method: 'POST', url: '/v1_0/authorizations' })
    expect(empty.statusCode).toBe(400)
  })
})

describe('login while the code store is down', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
    const down = () => Promise.reject(new Error('store down'))
    Object.assign(t.deps, { smsCodes: { save: down, check: down } })
  })
  afterAll(() => t.close())

  it('answers 503 with a clear message, never 500', async () => {
    const message = { message: 'Login is unavailable right now, please try again later.' }
    const code = await t.app.inject({ url: '/v1_0/sms/codes/13500000991' })
    expect(code.statusCode).toBe(503)
    expect(code.json()).toEqual(message)
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1_0/authorizations',
      payload: { mobile: '13500000991', code: '135790' },
    })
    expect(login.statusCode).toBe(503)
    expect(login.json()).toEqual(message)
  })
})

describe('login and tokens', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  it('registers a new mobile and keeps its 64-bit id exact through token and profile', async () => {
    const { userId, auth } = await login(t.app, '13500000001')
    expect(userId > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true)
    for (const prefix of MOUNTS) {
      const me = await t.app.inject({ url: `${prefix}/v1_0/user`, headers: auth })
      expect(me.statusCode).toBe(200)
      expect(exactJson(me.body).data.id).toBe(userId)
      const other = await t.app.inject({ url: `${prefix}/v1_0/users/${userId}` })
      expect(exactJson(other.body).data).toMatchObject({ id: userId })
    }
  })

  it('creates the user on first login only, with a generated name that hides the mobile', async () => {
    const mobile = '13500000002'
    expect(await findUserByMobile(t.deps.db.read, mobile)).toBeNull()
    const first = await login(t.app, mobile)
    const second = await login(t.app, mobile)
    expect(second.userId).toBe(first.userId)
    const profile = await t.app.inject({ url: '/v1_0/user/profile', headers: first.auth })
    expect(exactJson(profile.body)).toEqual({
      message: 'OK',
      data: {
        id: first.userId,
        name: expect.stringMatching(NEW_USER_NAME),
        photo: 'http://headline.test/uploads/Fkj6tQi3xJwVXi1u2swCElotfdCi',
        mobile,
        gender: 0,
        birthday: '',
        intro: '',
      },
    })
  })

  it('shows new users under distinct names that never reveal the mobile; old names stay', async () => {
    const names = new Set<string>()
    for (let i = 0; i < 20; i++) {
      const mobile = `1350000${String(100 + i).padStart(4, '0')}`
      const { userId } = await login(t.app, mobile)
      const other = await t.app.inject({ url: `/v1_0/users/${userId}` })
      const { name } = exactJson(other.body).data as { name: string }
      expect(name).toMatch(NEW_USER_NAME)
      expect(other.body).not.toContain(mobile.slice(-8))
      names.add(name)
    }
    expect(names.size).toBe(20)
    const author = await login(t.app, '13911111111') // the demo's author, registered before
    const me = await t.app.inject({ url: '/v1_0/user', headers: author.auth })
    expect(exactJson(me.body).data.name).toBe('黑马头条号')
  })

  it("issues tokens with the original's payload", async () => {
    const before = Math.floor(Date.now() / 1000)
    const { token, refresh_token, userId } = await login(t.app, '13500000003')
    const access = tokenPayload(token)
    const refresh = tokenPayload(refresh_token)
    expect(access).toEqual({ exp: expect.any(Number), user_id: userId, refresh: false })
    expect(refresh).toEqual({ exp: expect.any(Number), user_id: userId, refresh: true })
    expect(access.exp - before).toBeGreaterThanOrEqual(ACCESS_TOKEN_SECONDS)
    expect(access.exp - before).toBeLessThanOrEqual(ACCESS_TOKEN_SECONDS + 5)
    expect(refresh.exp - before).toBeGreaterThanOrEqual(REFRESH_TOKEN_SECONDS)
    expect(refresh.exp - before).toBeLessThanOrEqual(REFRESH_TOKEN_SECONDS + 5)
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    })
  })

  it('refuses to log in a disabled user, and lets them in again once enabled', async () => {
    const mobile = '13500000004'
    const { userId } = await login(t.app, mobile)
    await setStatus(t, userId, 0)
    for (const prefix of MOUNTS) {
      const response = await t.app.inject({
        method: 'POST',
        url: `${prefix}/v1_0/authorizations`,
        payload: { mobile, code: TEST_SMS_CODE },
      })
      expect(response.statusCode).toBe(403)
      expect(response.json()).toEqual({ message: 'Invalid user.' })
    }
    await setStatus(t, userId, 1)
    expect((await login(t.app, mobile)).userId).toBe(userId)
  })

  it('refreshes an access token with the refresh token only', async () => {
    const { token, refresh_token } = await login(t.app)
    const refreshed = await t.app.inject({
      method: 'PUT',
      url: '/v1_0/authorizations',
      headers: bearer(refresh_token),
    })
    expect(refreshed.statusCode).toBe(201)
    expect(refreshed.json().data.token).toEqual(expect.any(String))
    const wrong = await t.app.inject({
      method: 'PUT',
      url: '/v1_0/authorizations',
      headers: bearer(token),
    })
    expect(wrong.statusCode).toBe(403)
    expect(wrong.json()).toEqual({ message: 'Wrong refresh token.' })
  })

  it.each(MOUNTS)(
    'answers 201 {token} with a working access token (mount "%s")',
    async (prefix) => {
      const { refresh_token, userId } = await login(t.app, '13500000005')
      const refreshed = await t.app.inject({
        method: 'PUT',
        url: `${prefix}/v1_0/authorizations`,
        headers: bearer(refresh_token),
      })
      expect(refreshed.statusCode).toBe(201)
      const { token } = refreshed.json().data
      expect(refreshed.json()).toEqual({ message: 'OK', data: { token } })
      expect(tokenPayload(token)).toMatchObject({ user_id: userId, refresh: false })
      const me = await t.app.inject({ url: `${prefix}/v1_0/user`, headers: bearer(token) })
      expect(me.statusCode).toBe(200)
      expect(exactJson(me.body).data.id).toBe(userId)
      const chained = await t.app.inject({
        method: 'PUT',
        url: `${prefix}/v1_0/authorizations`,
        headers: bearer(token),
      })
      expect(chained.statusCode).toBe(403)
    },
  )

  it('answers 403 Wrong refresh token. without a valid refresh token', async () => {
    const { userId } = await login(t.app, '13500000006')
    const expired = await t.deps.tokens.sign({ userId, refresh: true }, -10)
    for (const headers of [{}, bearer('garbage'), bearer(expired), { authorization: 'Anony x' }]) {
      for (const prefix of MOUNTS) {
        const response = await t.app.inject({
          method: 'PUT',
          url: `${prefix}/v1_0/authorizations`,
          headers,
        })
        expect(response.statusCode).toBe(403)
        expect(response.json()).toEqual({ message: 'Wrong refresh token.' })
      }
    }
  })

  it('refuses to refresh for a disabled user', async () => {
    const { refresh_token, userId } = await login(t.app, '13500000007')
    await setStatus(t, userId, 0)
    for (const prefix of MOUNTS) {
      const response = await t.app.inject({
        method: 'PUT',
        url: `${prefix}/v1_0/authorizations`,
        headers: bearer(refresh_token),
      })
      expect(response.statusCode).toBe(403)
      expect(response.json()).toEqual({ message: 'User denied.' })
    }
  })
})

describe('auth guards', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const loginRequired = [
    ['GET', '/v1_0/user'],
    ['GET', '/v1_0/user/profile'],
    ['PATCH', '/v1_0/user/profile'],
    ['PATCH', '/v1_0/user/photo'],
    ['GET', '/v1_0/user/figure'],
  ] as const
  const inject = (method: string, url: string, headers: Record<string, string>) =>
    t.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(method === 'PATCH' && url.endsWith('profile') ? { payload: {} } : {}),
    })
  const expectEverywhere = async (
    headers: Record<string, string>,
    status: number,
    message: string,
  ) => {
    for (const prefix of MOUNTS) {
      for (const [method, url] of loginRequired) {
        const response = await inject(method, `${prefix}${url}`, headers)
        expect([method, url, response.statusCode]).toEqual([method, url, status])
        expect(response.json()).toEqual({ message })
      }
    }
  }

  it('answers 401 User must be authorized. without a usable token', async () => {
    const { userId } = await login(t.app, '13600000001')
    const foreign = await createTokenService('another-secret-of-enough-length').sign(
      { userId, refresh: false },
      3600,
    )
    const expired = await t.deps.tokens.sign({ userId, refresh: false }, -1)
    const { token } = await login(t.app, '13600000001')
    const [header, , signature] = token.split('.')
    const forged = `${header}.${Buffer.from(`{"exp":9999999999,"user_id":1,"refresh":false}`).toString('base64url')}.${signature}`
    for (const headers of [
      {},
      bearer(foreign),
      bearer(expired),
      bearer(forged),
      bearer('not-a-token'),
      { authorization: 'Bearer' },
      { authorization: 'Anony device-1' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: token },
    ]) {
      await expectEverywhere(headers, 401, 'User must be authorized.')
    }
  })

  it('answers 403 Do not use refresh token. for a refresh token', async () => {
    const { refresh_token } = await login(t.app, '13600000002')
    await expectEverywhere(bearer(refresh_token), 403, 'Do not use refresh token.')
  })

  it('answers 403 User denied. for a token of a user that does not exist', async () => {
    const token = await t.deps.tokens.sign({ userId: 1n << 60n, refresh: false }, 3600)
    await expectEverywhere(bearer(token), 403, 'User denied.')
  })

  it("forbids a disabled user's unexpired token on the very next request", async () => {
    const { auth, userId, refresh_token } = await login(t.app, '13600000003')
    const me = await t.app.inject({ url: '/v1_0/user', headers: auth })
    expect(me.statusCode).toBe(200)

    await setStatus(t, userId, 0)
    await expectEverywhere(auth, 403, 'User denied.')
    for (const prefix of MOUNTS) {
      const viewing = await t.app.inject({ url: `${prefix}/v1_0/user/channels`, headers: auth })
      expect(viewing.statusCode).toBe(403)
      expect(viewing.json()).toEqual({ message: 'User denied.' })
      const refreshed = await t.app.inject({
        method: 'PUT',
        url: `${prefix}/v1_0/authorizations`,
        headers: bearer(refresh_token),
      })
      expect(refreshed.statusCode).toBe(403)
      expect(refreshed.json()).toEqual({ message: 'User denied.' })
    }

    await setStatus(t, userId, 1)
    expect((await t.app.inject({ url: '/v1_0/user', headers: auth })).statusCode).toBe(200)
  })

  it('treats no token and Anony tokens as anonymous on optional-auth routes', async () => {
    const { userId } = await login(t.app, '13600000005')
    for (const prefix of MOUNTS) {
      for (const headers of [
        {},
        { authorization: 'Anony abc' },
        { authorization: 'Anony' },
        { authorization: 'Basic abc' },
        { authorization: `bearer ${(await login(t.app, '13600000005')).token}` },
      ]) {
        const response = await t.app.inject({ url: `${prefix}/v1_0/users/${userId}`, headers })
        expect(response.statusCode).toBe(200)
        expect(exactJson(response.body).data).toMatchObject({
          id: userId,
          is_following: false,
          is_blacklist: false,
        })
        const channels = await t.app.inject({ url: `${prefix}/v1_0/user/channels`, headers })
        expect(channels.statusCode).toBe(200)
      }
    }
  })

  it('answers 401 Token has some errors. for a bad token on optional-auth routes', async () => {
    const { userId } = await login(t.app, '13600000006')
    const expired = await t.deps.tokens.sign({ userId, refresh: false }, -1)
    for (const prefix of MOUNTS) {
      for (const token of ['garbage', expired, '']) {
        const response = await t.app.inject({
          url: `${prefix}/v1_0/user/channels`,
          headers: { authorization: `Bearer ${token}` },
        })
        expect(response.statusCode).toBe(401)
        expect(response.json()).toEqual({ message: 'Token has some errors.' })
      }
    }
  })

  it('accepts a valid access or refresh token on optional-auth routes', async () => {
    const viewer = await login(t.app, '13600000007')
    for (const headers of [viewer.auth, bearer(viewer.refresh_token)]) {
      const ok = await t.app.inject({ url: '/v1_0/user/channels', headers })
      expect(ok.statusCode).toBe(200)
    }
    const refresh = await t.app.inject({ url: '/v1_0/user', headers: bearer(viewer.refresh_token) })
    expect(refresh.statusCode).toBe(403)
    expect(refresh.json()).toEqual({ message: 'Do not use refresh token.' })
  })
})
