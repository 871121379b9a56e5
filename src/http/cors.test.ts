import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'

const preflight = (t: TestApp, origin: string, method: string) =>
  t.app.inject({
    method: 'OPTIONS',
    url: '/v1_0/user/channels',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization,content-type',
    },
  })

describe('CORS, any origin by default', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ redisUrl: false })
  })
  afterAll(() => t.close())

  it.each(['PUT', 'PATCH', 'DELETE', 'POST', 'GET'])(
    'lets a browser on another origin %s with a token and a JSON body',
    async (method) => {
      const response = await preflight(t, 'https://news.example.com', method)
      expect(response.statusCode).toBe(204)
      expect(response.headers['access-control-allow-origin']).toBe('*')
      const methods = String(response.headers['access-control-allow-methods']).split(/,\s*/)
      expect(methods).toContain(method)
      const headers = String(response.headers['access-control-allow-headers']).toLowerCase()
      expect(headers.split(/,\s*/)).toEqual(
        expect.arrayContaining(['authorization', 'content-type']),
      )
      expect(response.headers['access-control-allow-credentials']).toBeUndefined()
    },
  )

  it('marks simple answers for any origin, without credentials', async () => {
    const response = await t.app.inject({
      url: '/v1_0/channels',
      headers: { origin: 'https://news.example.com' },
    })
    expect(response.statusCode).toBe(200)
    expect(response.headers['access-control-allow-origin']).toBe('*')
    expect(response.headers['access-control-allow-credentials']).toBeUndefined()
  })
})

describe('CORS limited by CORS_ORIGINS', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({
      redisUrl: false,
      env: { CORS_ORIGINS: 'https://news.example.com, http://localhost:8080/' },
    })
  })
  afterAll(() => t.close())

  it('allows the listed origins only', async () => {
    for (const origin of ['https://news.example.com', 'http://localhost:8080']) {
      const response = await preflight(t, origin, 'PATCH')
      expect(response.headers['access-control-allow-origin']).toBe(origin)
      expect(response.headers['access-control-allow-methods']).toContain('PATCH')
    }
    const other = await preflight(t, 'https://evil.example.com', 'PATCH')
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
    const simple = await t.app.inject({
      url: '/v1_0/channels',
      headers: { origin: 'https://evil.example.com' },
    })
    expect(simple.headers['access-control-allow-origin']).toBeUndefined()
  })
})
