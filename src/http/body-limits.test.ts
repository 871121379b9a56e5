import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { login } from '../../test/login.js'
import { JSON_BODY_LIMIT } from './body-limits.js'

const TOO_LARGE = { message: 'Request body is too large.' }

/** A JSON body that records whether anyone read it. */
function watchedBody(text: string) {
  const state = { read: false }
  const stream = new Readable({
    read() {
      state.read = true
      this.push(text)
      this.push(null)
    },
  })
  return { stream, state }
}

describe('body limits and login before the body', () => {
  let t: TestApp
  let auth: Record<string, string>
  beforeAll(async () => {
    t = await buildTestApp()
    auth = (await login(t.app, '13700000001')).auth
  })
  afterAll(() => t.close())

  const USER = 'User must be authorized.'
  const ADMIN = 'Administrator must be authorized.'
  // Routes that need a login (app, mp or admin), with a body: each refuses an anonymous caller
  // unread, so even a body that is not JSON at all gets the 401, never a 400.
  const guarded: [string, string, string][] = [
    ['POST', '/v1_0/comments', USER],
    ['POST', '/app/v1_0/comments', USER],
    ['PATCH', '/v1_0/user/profile', USER],
    ['PUT', '/v1_0/user/channels', USER],
    ['POST', '/v1_0/article/likings', USER],
    ['POST', '/v1_0/user/followings', USER],
    ['POST', '/v1_0/article/reports', USER],
    ['POST', '/mp/v1_0/articles', USER],
    ['PUT', '/mp/v1_0/articles/1', USER],
    ['PUT', '/mp/v1_0/comments/status', USER],
    ['POST', '/mis/v1_0/channels', ADMIN],
    ['PUT', '/mis/v1_0/legalizes', ADMIN],
    ['PUT', '/mis/v1_0/password', 'User must be authorized.'],
  ]

  it.each(guarded)(
    '%s %s answers 401 to an anonymous caller without reading the body',
    async (method, url, message) => {
      for (const text of [`[${'1,'.repeat(100_000)}1]`, `{"a":${'['.repeat(100_000)}`]) {
        const { stream, state } = watchedBody(text)
        const response = await t.app.inject({
          method: method as 'POST',
          url,
          headers: { 'content-type': 'application/json' },
          payload: stream,
        })
        expect([response.statusCode, response.json()]).toEqual([401, { message }])
        expect(state.read).toBe(false)
      }
    },
  )

  it('closes the connection after refusing a body that has not arrived, and only then', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = t.app.server.address() as AddressInfo
    // Sends the headers of `length` bytes of body but only `sent` of them; resolves on the reply.
    const post = (length: number, sent: number) =>
      new Promise<{ request: http.ClientRequest; response: http.IncomingMessage }>(
        (resolve, reject) => {
          const request = http.request(
            `http://127.0.0.1:${port}/v1_0/comments`,
            {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'content-length': length,
                connection: 'keep-alive',
              },
            },
            (response) => resolve({ request, response }),
          )
          request.on('error', reject)
          request.write(' '.repeat(sent))
        },
      )
    const refused = await post(8 * 1024 * 1024, 64 * 1024)
    expect(refused.response.statusCode).toBe(401)
    expect(refused.response.headers.connection).toBe('close')
    const closed = new Promise((resolve) => refused.request.socket!.once('close', resolve))
    refused.response.resume()
    await closed

    const whole = await post(2, 2)
    expect(whole.response.statusCode).toBe(401)
    expect(whole.response.headers.connection).toBe('keep-alive')
    whole.response.resume()
    whole.request.destroy()
  })

  it('reads the body once the caller is logged in (the check above is not vacuous)', async () => {
    const { stream, state } = watchedBody('{"target":1,"content":"hi"')
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1_0/comments',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: stream,
    })
    expect(response.statusCode).toBe(400)
    expect(state.read).toBe(true)
  })

  it('answers 413 to a 1 MB anonymous body on a route without a login, unparsed', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1_0/authorizations',
      headers: { 'content-type': 'application/json' },
      payload: `[${'1,'.repeat(512 * 1024)}1]`,
    })
    expect(response.statusCode).toBe(413)
    expect(response.json()).toEqual(TOO_LARGE)
  })

  it('answers 413 to a logged-in JSON body over the limit, and takes one under it', async () => {
    const over = await t.app.inject({
      method: 'POST',
      url: '/v1_0/comments',
      headers: auth,
      payload: { target: 1, content: 'x'.repeat(JSON_BODY_LIMIT) },
    })
    expect(over.statusCode).toBe(413)
    expect(over.json()).toEqual(TOO_LARGE)
    const under = await t.app.inject({
      method: 'PUT',
      url: '/v1_0/user/channels',
      headers: auth,
      payload: { channels: [{ id: 1, seq: 2 }], padding: ' '.repeat(JSON_BODY_LIMIT / 2) },
    })
    expect(under.statusCode).toBe(201)
  })

  it('gives the base64 profile route room for images up to the upload limit', async () => {
    // Not an image, so the route itself refuses it: the point is that the body was accepted.
    const image = Buffer.alloc(1024 * 1024, 1).toString('base64')
    const response = await t.app.inject({
      method: 'PATCH',
      url: '/v1_0/user/profile',
      headers: auth,
      payload: { photo: image, id_card_front: image },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({ message: { photo: 'Invalid image.' } })
  })
})
