import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { NOT_FOUND } from '../errors.js'
import { METHOD_NOT_ALLOWED } from './routing.js'

const MOUNTS = ['', '/app']

describe('routing answers (Werkzeug)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const cases: [string, string, string][] = [
    ['POST', '/v1_0/channels', 'GET, HEAD, OPTIONS'],
    ['DELETE', '/v1_0/user', 'GET, HEAD, OPTIONS'],
    ['PUT', '/v1_0/articles/1', 'GET, HEAD, OPTIONS'],
    ['GET', '/v1_0/article/likings', 'POST, OPTIONS'],
    ['GET', '/v1_0/user/channels/3', 'PUT, DELETE, OPTIONS'],
    ['PATCH', '/v1_0/authorizations', 'POST, PUT, OPTIONS'],
    ['DELETE', '/v1_1/articles', 'GET, HEAD, OPTIONS'],
    ['HEAD', '/v1_0/reading/durations', 'POST, OPTIONS'],
  ]

  it.each(MOUNTS)('answers 405 with Allow for a known path and another method (%s)', async (p) => {
    for (const [method, url, allow] of cases) {
      const response = await t.app.inject({ method: method as 'GET', url: `${p}${url}` })
      expect({ url, status: response.statusCode }).toEqual({ url, status: 405 })
      expect(response.headers['allow']).toBe(allow)
      if (method !== 'HEAD') expect(response.json()).toEqual({ message: METHOD_NOT_ALLOWED })
    }
  })

  it.each(MOUNTS)(
    'answers the 404 text for ids a converter refuses, any method (%s)',
    async (p) => {
      const urls: [string, string][] = [
        ['GET', '/v1_0/users/0'],
        ['GET', '/v1_0/users/00'],
        ['GET', '/v1_0/users/+1'],
        ['GET', '/v1_0/articles/0'],
        ['GET', '/v1_0/users/0/articles'],
        ['DELETE', '/v1_0/user/followings/0'],
        ['DELETE', '/v1_0/article/likings/0'],
        ['DELETE', '/v1_0/users/0'],
        ['PUT', '/v1_0/articles/0'],
        ['GET', '/v1_0/article/likings/0'],
        ['POST', '/v1_0/users/0/articles'],
        ['PUT', '/v1_0/users/abc'],
        ['GET', '/v1_2/channels'],
        ['GET', '/v1_1/users/1'],
        ['GET', '/V1_0/channels'],
        ['GET', '/v1_0/channels/'],
        ['GET', '/v1_0/sms/codes/123'],
      ]
      for (const [method, url] of urls) {
        const response = await t.app.inject({ method: method as 'GET', url: `${p}${url}` })
        expect({ method, url, status: response.statusCode }).toEqual({ method, url, status: 404 })
        expect(response.json()).toEqual({ message: NOT_FOUND })
      }
    },
  )

  it('reads path ids as int() does: leading zeros and Unicode digits', async () => {
    for (const url of ['/v1_0/users/0001', '/v1_0/users/%EF%BC%91']) {
      const response = await t.app.inject({ url })
      expect(response.statusCode).toBe(200)
      expect(response.json().data).toMatchObject({ id: 1, name: '黑马头条号' })
    }
  })
})
