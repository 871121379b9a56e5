import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { login } from '../../test/login.js'
import { CLIENT_KINDS, Client, connect, type ClientOptions } from '../../test/sockets.js'
import { createTokenService } from '../features/auth/tokens.js'
import { changeUserStatus, USER_STATUS } from '../features/auth/user-status.js'
import { ARTICLE_STATUS } from '../features/articles/articles.repo.js'
import { NEW_USER_NAME } from '../features/auth/display-names.js'
import { CHAT_ERROR_EVENT } from './chat.js'
import { FALLBACK_TEXT, GREETING_TEXT } from './chat-robot.js'
import {
  attachRealtime,
  HANDSHAKE_ERRORS,
  type Realtime,
  type RealtimeOptions,
} from './socket-server.js'

const DEFAULT_PHOTO = 'http://headline.test/uploads/Fkj6tQi3xJwVXi1u2swCElotfdCi'
const AUTHOR_MOBILE = '13911111111' // the demo data's first author
const TEST_SECRET = 'test-secret-with-enough-length'

let t: TestApp
let realtime: Realtime
let url: string
const clients: Client[] = []
let mobiles = 0

beforeAll(async () => {
  t = await buildTestApp()
  realtime = await attachRealtime(t.app.server, t.deps)
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
})

afterEach(() => {
  for (const client of clients.splice(0)) client.close()
})

afterAll(async () => {
  await realtime?.close()
  await t?.close()
})

function track(client: Client) {
  clients.push(client)
  return client
}

const open = async (...args: Parameters<typeof connect>) => track(await connect(...args))

function refused(...args: ConstructorParameters<typeof Client>) {
  return track(new Client(...args)).connected()
}

async function newUser() {
  const mobile = `147${String(++mobiles).padStart(8, '0')}`
  return { mobile, ...(await login(t.app, mobile)) }
}

/** A call through the listening HTTP server, as a real client makes it. */
async function post(path: string, token: string, body: string) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  })
  expect(response.status).toBe(201)
}

/** JSON.parse on the client reads 64-bit ids as the nearest double, as the original's clients. */
const asClientReads = (id: bigint) => Number(id)

describe.each(CLIENT_KINDS)(
  'socket.io-client $version over $transport',
  ({ version, transport }) => {
    it('chats anonymously: a greeting, then an answer to each message', async () => {
      const client = await open(url, version, transport)
      const hello = await client.nextOf<{ msg: string; timestamp: number }>('message')
      expect(hello.msg).toBe(GREETING_TEXT)
      expect(Math.abs(hello.timestamp - Date.now() / 1000)).toBeLessThan(5)

      client.send({ msg: 'python', timestamp: Date.now() })
      const reply = await client.nextOf<{ msg: string; timestamp: number }>('message')
      expect(reply.msg).toMatch(/^“python”相关文章：\n1\. .*Python/)
      expect(Number.isInteger(reply.timestamp)).toBe(true)

      client.socket.send({ msg: '推荐' }) // socket.send() is what the original's chat page calls
      expect((await client.nextOf<{ msg: string }>('message')).msg).toMatch(/^为您推荐：\n1\. /)
    })

    it('refuses a bad token', async () => {
      await expect(refused(url, version, transport, { token: 'not-a-token' })).rejects.toThrow(
        HANDSHAKE_ERRORS.invalid,
      )
    })

    it('delivers following notify within 1 s of a follow through the HTTP API', async () => {
      const [follower, followed, bystander] = [await newUser(), await newUser(), await newUser()]
      const target = await open(url, version, transport, { token: followed.token })
      const other = await open(url, version, transport, { token: bystander.token })
      const anonymous = await open(url, version, transport)

      const started = Date.now()
      await post('/v1_0/user/followings', follower.token, `{"target":${followed.userId}}`)
      const payload = await target.nextOf('following notify', 1000)
      expect(Date.now() - started).toBeLessThan(1000)
      expect(payload).toEqual({
        user_id: asClientReads(follower.userId),
        user_name: expect.stringMatching(NEW_USER_NAME),
        user_photo: DEFAULT_PHOTO,
        timestamp: expect.any(Number),
      })
      expect(await other.receives('following notify', 200)).toBe(false)
      expect(await anonymous.receives('following notify', 50)).toBe(false)
    })

    it('answers a bad payload with chat error and goes on answering', async () => {
      const client = await open(url, version, transport)
      await client.nextOf('message')
      const cases: [unknown, RegExp][] = [
        ['just text', /^Send \{"msg"/],
        [{ msg: 5 }, /^Send \{"msg"/],
        [null, /^Send \{"msg"/],
        [[1, 2], /^Send \{"msg"/],
        [{ msg: 'x'.repeat(501) }, /^Message too long: at most 500 characters\.$/],
        [{ msg: 'ok', timestamp: { a: 1 } }, /^timestamp must be a number\.$/],
      ]
      for (const [payload, message] of cases) {
        client.send(payload)
        expect((await client.nextOf<{ message: string }>(CHAT_ERROR_EVENT)).message).toMatch(
          message,
        )
      }
      client.send({ msg: 'x'.repeat(500) })
      expect((await client.nextOf<{ msg: string }>('message')).msg).toMatch(/^没有找到/)
      expect(client.socket.connected).toBe(true)
    })
  },
)

describe('handshake', () => {
  it('accepts the token as auth.token (socket.io-client 4)', async () => {
    const user = await newUser()
    const client = await open(url, 'v4', 'websocket', { authToken: user.token })
    t.deps.notifications.publish({ event: 'following notify', to: user.userId, payload: { a: 1 } })
    expect(await client.nextOf('following notify')).toEqual({ a: 1 })
  })

  it('refuses refresh, expired and garbled tokens and disabled users', async () => {
    const user = await newUser()
    const expired = await createTokenService(TEST_SECRET, () => Date.now() - 3 * 3600_000).sign(
      { userId: user.userId, refresh: false },
      3600,
    )
    const cases: [ClientOptions, string][] = [
      [{ token: user.refresh_token }, HANDSHAKE_ERRORS.refresh],
      [{ token: expired }, HANDSHAKE_ERRORS.invalid],
      [{ token: `${user.token}x` }, HANDSHAKE_ERRORS.invalid],
      [{ authToken: 'garbage' }, HANDSHAKE_ERRORS.invalid],
    ]
    for (const [options, message] of cases) {
      await expect(refused(url, 'v4', 'websocket', options)).rejects.toThrow(message)
      if (!options.authToken) {
        await expect(refused(url, 'v2', 'polling', options)).rejects.toThrow(message)
      }
    }
    await changeUserStatus(t.deps, user.userId, USER_STATUS.disabled)
    await expect(refused(url, 'v2', 'websocket', { token: user.token })).rejects.toThrow(
      HANDSHAKE_ERRORS.denied,
    )
  })

  it('refuses with a neutral message when the user status cannot be read', async () => {
    const user = await newUser()
    const cache = Object.create(t.deps.cache, {
      getOrLoad: { value: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.1:3306')) },
    }) as TestApp['deps']['cache']
    const other = await separateServer({ ...t.deps, cache })
    try {
      await expect(refused(other.url, 'v4', 'websocket', { token: user.token })).rejects.toThrow(
        new RegExp(`^${HANDSHAKE_ERRORS.unavailable}$`),
      )
    } finally {
      await other.close()
    }
  })

  it('treats an empty token as an anonymous chat', async () => {
    const client = await open(url, 'v2', 'websocket', { token: '' })
    expect((await client.nextOf<{ msg: string }>('message')).msg).toBe(GREETING_TEXT)
  })
})

describe('notifications', () => {
  async function authorArticle() {
    const author = await login(t.app, AUTHOR_MOBILE)
    const article = await t.deps.db.write
      .selectFrom('news_article_basic')
      .select(['article_id', 'title'])
      .where('user_id', '=', author.userId.toString())
      .where('status', '=', ARTICLE_STATUS.approved)
      .where('allow_comment', '=', 1)
      .orderBy('article_id')
      .executeTakeFirstOrThrow()
    return { author, artId: BigInt(article.article_id), title: article.title }
  }

  it('delivers liking notify and comment notify to the author with the contract payload', async () => {
    const { author, artId, title } = await authorArticle()
    const reader = await newUser()
    const client = await open(url, 'v2', 'websocket', { token: author.token })
    const expected = {
      user_id: asClientReads(reader.userId),
      user_name: expect.stringMatching(NEW_USER_NAME),
      user_photo: DEFAULT_PHOTO,
      art_id: asClientReads(artId),
      art_title: title,
      timestamp: expect.any(Number),
    }

    await post('/v1_0/article/likings', reader.token, `{"target":${artId}}`)
    expect(await client.nextOf('liking notify', 1000)).toEqual(expected)
    await post('/v1_0/comments', reader.token, `{"target":${artId},"content":"写得好"}`)
    expect(await client.nextOf('comment notify', 1000)).toEqual(expected)
  })

  it('reaches every socket of the user', async () => {
    const user = await newUser()
    const sockets = [
      await open(url, 'v2', 'polling', { token: user.token }),
      await open(url, 'v4', 'websocket', { token: user.token }),
    ]
    t.deps.notifications.publish({ event: 'comment notify', to: user.userId, payload: { n: 2 } })
    for (const socket of sockets) expect(await socket.nextOf('comment notify')).toEqual({ n: 2 })
  })
})

describe('limits', () => {
  it('rate-limits each socket with one chat error per second, then answers again', async () => {
    const flooder = await open(url, 'v4', 'websocket')
    const calm = await open(url, 'v2', 'websocket')
    await Promise.all([flooder.nextOf('message'), calm.nextOf('message')])
    for (let i = 0; i < 30; i++) flooder.send({ msg: '帮助' })
    expect((await flooder.nextOf<{ message: string }>(CHAT_ERROR_EVENT)).message).toBe(
      'Too many messages: at most 5 a second.',
    )
    let answered = 0
    while (await flooder.receives('message', 300)) answered += 1
    // The burst of 10, plus the odd token refilled while the 30 arrive on a slow machine.
    expect(answered).toBeGreaterThanOrEqual(10)
    expect(answered).toBeLessThan(15)
    expect(await flooder.receives(CHAT_ERROR_EVENT, 0)).toBe(false)

    calm.send({ msg: '帮助' }) // other sockets are not affected
    expect(await calm.receives('message', 1000)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 400))
    flooder.send({ msg: '帮助' })
    expect(await flooder.receives('message', 1000)).toBe(true)
  })

  it('closes a connection whose packet exceeds 16 KB; the server goes on', async () => {
    const client = await open(url, 'v4', 'websocket')
    client.send({ msg: 'x'.repeat(20_000) })
    expect(await client.nextOf('disconnect')).toBe('transport close')
    const next = await open(url, 'v2', 'polling')
    expect((await next.nextOf<{ msg: string }>('message')).msg).toBe(GREETING_TEXT)
  })

  it('answers the fallback text when the lookups fail', async () => {
    const other = await separateServer(t.deps, {
      lookups: {
        recommendedTitles: () => Promise.reject(new Error('down')),
        matchingTitles: () => Promise.reject(new Error('down')),
      },
    })
    try {
      const client = await open(other.url, 'v2', 'websocket')
      await client.nextOf('message')
      client.send({ msg: '推荐' })
      expect((await client.nextOf<{ msg: string }>('message')).msg).toBe(FALLBACK_TEXT)
    } finally {
      await other.close()
    }
  })
})

/** Another socket server on its own port, on (possibly altered) deps. */
async function separateServer(deps: TestApp['deps'], options?: RealtimeOptions) {
  const server = http.createServer()
  const attached = await attachRealtime(server, deps, options)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await attached.close()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

describe('operations', () => {
  it('counts connected sockets by kind on /metrics', async () => {
    const user = await newUser()
    await open(url, 'v4', 'websocket', { token: user.token })
    await open(url, 'v2', 'polling')
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    const gauge = (kind: string) =>
      Number(new RegExp(`headline_realtime_sockets\\{kind="${kind}"\\} (\\d+)`).exec(text)?.[1])
    expect(gauge('user')).toBeGreaterThanOrEqual(1)
    expect(gauge('anonymous')).toBeGreaterThanOrEqual(1)
  })

  it('close() disconnects every socket and stops the pushes; HTTP goes on', async () => {
    const user = await newUser()
    const client = await open(url, 'v2', 'websocket', { token: user.token })
    await client.nextOf('message')
    await realtime.close()
    await client.nextOf('disconnect')
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    // The feature still publishes; nobody delivers it and nothing throws.
    t.deps.notifications.publish({ event: 'following notify', to: user.userId, payload: {} })
  })
})
