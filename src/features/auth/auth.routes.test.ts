import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { exactJson } from '../../../test/json.js'
import { bearer, login } from '../../../test/login.js'

describe('login and tokens', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  it('registers a new mobile and keeps its 64-bit id exact through token and profile', async () => {
    const { userId, auth } = await login(t.app, '13500000001')
    expect(userId > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true)
    for (const prefix of ['', '/app']) {
      const me = await t.app.inject({ url: `${prefix}/v1_0/user`, headers: auth })
      expect(me.statusCode).toBe(200)
      expect(exactJson(me.body).data.id).toBe(userId)
      const other = await t.app.inject({ url: `${prefix}/v1_0/users/${userId}` })
      expect(exactJson(other.body).data).toMatchObject({ id: userId, name: '13500000001' })
    }
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
})
