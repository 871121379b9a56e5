import type { FastifyInstance, InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../../test/env.js'
import { send } from '../../../test/inject.js'
import { bearer, login } from '../../../test/login.js'
import { NOT_FOUND } from '../../errors.js'
import { SEED_CHANNELS } from '../../seed/demo.js'
import { forgetChannelLists } from './channels.cache.js'

type Headers = Record<string, string>
type Pick = { id: number; seq: number }

const PREFIXES = ['', '/app']
const RECOMMEND = { id: 0, name: '推荐' }
const channel = (id: number) => ({ id, name: SEED_CHANNELS[id - 1] })
const bar = (...ids: number[]) => ({
  message: 'OK',
  data: { channels: [RECOMMEND, ...ids.map(channel)] },
})
const DEFAULT_BAR = bar(1, 2, 18)
const picked = (channels: Pick[]) => ({ message: 'OK', data: { channels } })

let mobiles = 0
const newUser = (app: FastifyInstance) =>
  login(app, `135${String(++mobiles).padStart(8, '0')}`).then((user) => user.auth)

async function readBar(app: FastifyInstance, headers: Headers = {}, url = '/v1_0/user/channels') {
  const response = await app.inject({ url, headers })
  expect(response.statusCode).toBe(200)
  return response.json()
}

describe('channels', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t?.close())

  describe('GET /v1_0/channels', () => {
    it('lists the 20 seeded channels in sequence order', async () => {
      for (const prefix of PREFIXES) {
        const response = await t.app.inject({ url: `${prefix}/v1_0/channels` })
        expect(response.statusCode).toBe(200)
        expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
        expect(response.json()).toEqual({
          message: 'OK',
          data: { channels: SEED_CHANNELS.map((_, i) => channel(i + 1)) },
        })
      }
    })
  })

  describe('GET /user/channels', () => {
    const urls = PREFIXES.flatMap((prefix) =>
      ['v1_0', 'v1_1'].map((version) => `${prefix}/${version}/user/channels`),
    )

    it('answers 推荐 and the default channels to anonymous callers', async () => {
      for (const url of urls) {
        expect(await readBar(t.app, {}, url)).toEqual(DEFAULT_BAR)
        expect(await readBar(t.app, { authorization: 'Anony device-1' }, url)).toEqual(DEFAULT_BAR)
      }
    })

    it('answers the default channels to a user who picked none', async () => {
      const auth = await newUser(t.app)
      for (const url of urls) expect(await readBar(t.app, auth, url)).toEqual(DEFAULT_BAR)
    })

    it('rejects a token that was sent but is not valid', async () => {
      const { refresh_token } = await login(t.app, '13500009999')
      for (const url of urls) {
        for (const authorization of ['Bearer not-a-token', 'Bearer ', 'Bearer a.b.c']) {
          const response = await t.app.inject({ url, headers: { authorization } })
          expect(response.statusCode).toBe(401)
          expect(response.json()).toEqual({ message: 'Token has some errors.' })
        }
        // The original's `validate_token_if_using` takes a refresh token as its user.
        const refresh = await t.app.inject({ url, headers: bearer(refresh_token) })
        expect(refresh.statusCode).toBe(200)
      }
    })
  })

  describe.each(PREFIXES)('writes under "%s"', (prefix) => {
    const url = `${prefix}/v1_0/user/channels`

    it('POST adds channels: 201 echoes them, the bar lists them in the user order', async () => {
      const auth = await newUser(t.app)
      expect(await readBar(t.app, auth, url)).toEqual(DEFAULT_BAR)
      const channels = [
        { id: 9, seq: 2 },
        { id: 3, seq: 1 },
        { id: 20, seq: 3 },
      ]
      const response = await send(t.app, 'POST', url, auth, { channels })
      expect(response.statusCode).toBe(201)
      expect(response.json()).toEqual(picked(channels))
      expect(await readBar(t.app, auth, url)).toEqual(bar(3, 9, 20))
      expect(await readBar(t.app, auth, `${prefix}/v1_1/user/channels`)).toEqual(bar(3, 9, 20))
    })

    it('POST reads ids and seqs as int() does and echoes them as numbers', async () => {
      const auth = await newUser(t.app)
      const channels = [
        { id: 5, seq: ' 7 ' },
        { id: true, seq: 0.5 },
        { id: 2.0, seq: '+3' },
      ]
      const response = await send(t.app, 'POST', url, auth, { channels })
      expect(response.statusCode).toBe(201)
      const echoed = [
        { id: 5, seq: 7 },
        { id: 1, seq: 0 },
        { id: 2, seq: 3 },
      ]
      expect(response.json()).toEqual(picked(echoed))
      expect(await readBar(t.app, auth, url)).toEqual(bar(1, 2, 5))
    })

    it('POST of a channel the user already has is a 409 that changes nothing', async () => {
      const auth = await newUser(t.app)
      await send(t.app, 'POST', url, auth, { channels: [{ id: 3, seq: 1 }] })
      expect(await readBar(t.app, auth, url)).toEqual(bar(3))
      const response = await send(t.app, 'POST', url, auth, {
        channels: [
          { id: 4, seq: 2 },
          { id: 3, seq: 5 },
        ],
      })
      expect(response.statusCode).toBe(409)
      expect(response.json()).toEqual({ message: 'Some conflict user channels occurred.' })
      expect(await readBar(t.app, auth, url)).toEqual(bar(3))
    })

    it('POST adds back a channel the user removed', async () => {
      const auth = await newUser(t.app)
      await send(t.app, 'POST', url, auth, { channels: [{ id: 3, seq: 1 }] })
      await send(t.app, 'DELETE', `${url}/3`, auth)
      expect(await readBar(t.app, auth, url)).toEqual(DEFAULT_BAR)
      const again = await send(t.app, 'POST', url, auth, { channels: [{ id: 3, seq: 4 }] })
      expect(again.statusCode).toBe(201)
      expect(await readBar(t.app, auth, url)).toEqual(bar(3))
    })

    it('PUT replaces the whole set', async () => {
      const auth = await newUser(t.app)
      await send(t.app, 'POST', url, auth, {
        channels: [
          { id: 3, seq: 1 },
          { id: 4, seq: 2 },
        ],
      })
      expect(await readBar(t.app, auth, url)).toEqual(bar(3, 4))
      const channels = [
        { id: 7, seq: 2 },
        { id: 6, seq: 1 },
        { id: 4, seq: 3 },
      ]
      const response = await send(t.app, 'PUT', url, auth, { channels })
      expect(response.statusCode).toBe(201)
      expect(response.json()).toEqual(picked(channels))
      expect(await readBar(t.app, auth, url)).toEqual(bar(6, 7, 4))

      const emptied = await send(t.app, 'PUT', url, auth, { channels: [] })
      expect(emptied.statusCode).toBe(400)
      expect(emptied.json()).toEqual({ message: 'Channels param is required.' })
      expect(await readBar(t.app, auth, url)).toEqual(bar(6, 7, 4))
    })

    it('PATCH adds and moves channels without removing any', async () => {
      const auth = await newUser(t.app)
      await send(t.app, 'POST', url, auth, {
        channels: [
          { id: 3, seq: 1 },
          { id: 9, seq: 2 },
        ],
      })
      expect(await readBar(t.app, auth, url)).toEqual(bar(3, 9))
      const channels = [
        { id: 9, seq: 0 },
        { id: 12, seq: 3 },
      ]
      const response = await send(t.app, 'PATCH', url, auth, { channels })
      expect(response.statusCode).toBe(201)
      expect(response.json()).toEqual(picked(channels))
      expect(await readBar(t.app, auth, url)).toEqual(bar(9, 3, 12))
    })

    it('DELETE removes the listed channels with an empty 204', async () => {
      const auth = await newUser(t.app)
      await send(t.app, 'POST', url, auth, {
        channels: [
          { id: 3, seq: 1 },
          { id: 9, seq: 2 },
          { id: 12, seq: 3 },
        ],
      })
      expect(await readBar(t.app, auth, url)).toEqual(bar(3, 9, 12))
      const response = await send(t.app, 'DELETE', url, auth, { channels: [3, 12, 15] })
      expect(response.statusCode).toBe(204)
      expect(response.body).toBe('')
      expect(await readBar(t.app, auth, url)).toEqual(bar(9))
      const none = await send(t.app, 'DELETE', url, auth, { channels: [] })
      expect(none.statusCode).toBe(400)
      expect(none.json()).toEqual({
        message: { channels: 'Missing required parameter in the JSON body' },
      })
      const zero = await send(t.app, 'DELETE', url, auth, { channels: [0] })
      expect(zero.json()).toEqual({
        message: { channels: 'Invalid channels: 0. channels must be a positive integer' },
      })
      expect(await readBar(t.app, auth, url)).toEqual(bar(9))
    })

    it('PUT /user/channels/:target places one channel, adding it when missing', async () => {
      const auth = await newUser(t.app)
      await send(t.app, 'POST', url, auth, {
        channels: [
          { id: 3, seq: 1 },
          { id: 9, seq: 2 },
        ],
      })
      expect(await readBar(t.app, auth, url)).toEqual(bar(3, 9))
      const added = await send(t.app, 'PUT', `${url}/12`, auth, { seq: 5 })
      expect(added.statusCode).toBe(201)
      expect(added.json()).toEqual({ message: 'OK', data: { id: 12, seq: 5 } })
      expect(await readBar(t.app, auth, url)).toEqual(bar(3, 9, 12))
      const moved = await send(t.app, 'PUT', `${url}/03`, auth, { seq: 10 })
      expect(moved.statusCode).toBe(201)
      expect(moved.json()).toEqual({ message: 'OK', data: { id: 3, seq: 10 } })
      expect(await readBar(t.app, auth, url)).toEqual(bar(9, 12, 3))
    })

    it('PUT /user/channels/:target refuses unknown channels and bad sequences', async () => {
      const auth = await newUser(t.app)
      for (const target of ['21', '2147483648', '99999999999999999999999']) {
        const response = await send(t.app, 'PUT', `${url}/${target}`, auth, { seq: 1 })
        expect(response.statusCode).toBe(400)
        expect(response.json()).toEqual({ message: 'Invalid channel id.' })
      }
      for (const target of ['abc', '-1', '1.5', '0']) {
        const response = await send(t.app, 'PUT', `${url}/${target}`, auth, { seq: 1 })
        expect(response.statusCode).toBe(404)
        expect(response.json()).toEqual({ message: NOT_FOUND })
      }
      const badBodies = [{}, { seq: 0 }, { seq: -1 }, { seq: 0.5 }, { seq: 'x' }, { seq: 2 ** 31 }]
      for (const body of [...badBodies, { seq: null }, { seq: [1, 2] }, { seq: { n: 1 } }]) {
        const response = await send(t.app, 'PUT', `${url}/3`, auth, body)
        expect(response.statusCode).toBe(400)
        expect(response.json().message).toHaveProperty('seq')
      }
      expect(await readBar(t.app, auth, url)).toEqual(DEFAULT_BAR)
    })

    it('DELETE /user/channels/:target removes one channel with an empty 204', async () => {
      const auth = await newUser(t.app)
      await send(t.app, 'POST', url, auth, {
        channels: [
          { id: 3, seq: 1 },
          { id: 9, seq: 2 },
        ],
      })
      expect(await readBar(t.app, auth, url)).toEqual(bar(3, 9))
      for (const target of ['3', '3', '21', '99999999999999999999']) {
        const response = await send(t.app, 'DELETE', `${url}/${target}`, auth)
        expect(response.statusCode).toBe(204)
        expect(response.body).toBe('')
        expect(await readBar(t.app, auth, url)).toEqual(bar(9))
      }
      const notANumber = await send(t.app, 'DELETE', `${url}/abc`, auth)
      expect(notANumber.statusCode).toBe(404)
    })
  })

  describe('malformed bodies', () => {
    // Long lists that still fit the body limit (a bigger body is refused with 413 before parsing).
    const unknownChannels = Array.from({ length: 2_000 }, (_, i) => ({ id: i + 100, seq: i }))
    const sameChannel = Array.from({ length: 2_000 }, () => ({ id: 1, seq: 1 }))
    const cases: [string, unknown, string][] = [
      ['no channels', {}, 'Channels param is required.'],
      ['null channels', { channels: null }, 'Channels param is required.'],
      ['a string', { channels: '1,2' }, 'Invalid channels param.'],
      ['a number', { channels: 3 }, 'Invalid channels param.'],
      ['an object', { channels: { id: 1, seq: 1 } }, 'Invalid channels param.'],
      ['bare ids', { channels: [1, 2] }, 'Invalid channels param.'],
      ['null items', { channels: [null] }, 'Invalid channels param.'],
      ['nested lists', { channels: [[{ id: 1, seq: 1 }]] }, 'Invalid channels param.'],
      ['an object id', { channels: [{ id: { id: 1 }, seq: 1 }] }, 'Invalid channels param.'],
      ['a text id', { channels: [{ id: 'abc', seq: 1 }] }, 'Invalid channels param.'],
      ['a fractional id', { channels: [{ id: 1.5, seq: 1 }] }, 'Invalid channels param.'],
      ['a negative id', { channels: [{ id: -1, seq: 1 }] }, 'Invalid channels param.'],
      ['an unknown channel', { channels: [{ id: 21, seq: 1 }] }, 'Invalid channels param.'],
      ['an id past INT', { channels: [{ id: 2 ** 31, seq: 1 }] }, 'Invalid channels param.'],
      [
        'an id past 64 bits',
        '{"channels":[{"id":123456789012345678901234,"seq":1}]}',
        'Invalid channels param.',
      ],
      ['many unknown channels', { channels: unknownChannels }, 'Invalid channels param.'],
      ['no seq', { channels: [{ id: 1 }] }, 'Invalid channels param.'],
      ['a null seq', { channels: [{ id: 1, seq: null }] }, 'Invalid channels param.'],
      ['a text seq', { channels: [{ id: 1, seq: 'abc' }] }, 'Invalid channels param.'],
      ['a negative seq', { channels: [{ id: 1, seq: -1 }] }, 'Invalid channel sequence param.'],
      [
        'a negative text seq',
        { channels: [{ id: 1, seq: '-1' }] },
        'Invalid channel sequence param.',
      ],
      ['an empty list', { channels: [] }, 'Channels param is required.'],
      ['an empty object', { channels: {} }, 'Channels param is required.'],
      ['a zero', { channels: 0 }, 'Channels param is required.'],
      ['推荐 itself', { channels: [{ id: 0, seq: 0 }] }, 'Invalid channels param.'],
      [
        'a seq past INT',
        { channels: [{ id: 1, seq: 2 ** 31 }] },
        'Invalid channel sequence param.',
      ],
      ['a huge seq', { channels: [{ id: 1, seq: 1e300 }] }, 'Invalid channel sequence param.'],
      [
        'a repeated channel',
        {
          channels: [
            { id: 1, seq: 1 },
            { id: 1, seq: 2 },
          ],
        },
        'Repeated channels occurred.',
      ],
      [
        'a repeated 推荐',
        {
          channels: [
            { id: 0, seq: 0 },
            { id: 0, seq: 1 },
          ],
        },
        'Repeated channels occurred.',
      ],
      ['one channel many times', { channels: sameChannel }, 'Repeated channels occurred.'],
    ]

    it.each(PREFIXES)(
      'POST, PUT and PATCH answer the original messages under "%s"',
      async (prefix) => {
        const auth = await newUser(t.app)
        const url = `${prefix}/v1_0/user/channels`
        for (const method of ['POST', 'PUT', 'PATCH'] as const) {
          for (const [name, payload, message] of cases) {
            const response = await send(t.app, method, url, auth, payload)
            expect({ name, method, status: response.statusCode }).toEqual({
              name,
              method,
              status: 400,
            })
            expect(response.json()).toEqual({ message })
          }
        }
        expect(await readBar(t.app, auth, url)).toEqual(DEFAULT_BAR)
      },
    )

    it('answers 400 to bodies that are not a JSON object', async () => {
      const auth = await newUser(t.app)
      const bodies = [
        'null',
        '[]',
        '[{"id":1,"seq":1}]',
        '"channels"',
        '42',
        'not json',
        '{"channels":',
      ]
      bodies.push('['.repeat(60_000), `{"channels":${'['.repeat(30_000)}${']'.repeat(30_000)}}`)
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
        for (const body of bodies) {
          const response = await send(t.app, method, '/v1_0/user/channels', auth, body)
          expect({ method, body: body.slice(0, 30), status: response.statusCode }).toEqual({
            method,
            body: body.slice(0, 30),
            status: 400,
          })
        }
        const empty = await t.app.inject({ method, url: '/v1_0/user/channels', headers: auth })
        expect(empty.statusCode).toBe(400)
      }
      expect(await readBar(t.app, auth)).toEqual(DEFAULT_BAR)
    })

    it('DELETE answers 400 to a channels param that is not a list of ids', async () => {
      const auth = await newUser(t.app)
      await send(t.app, 'POST', '/v1_0/user/channels', auth, { channels: [{ id: 3, seq: 1 }] })
      const bodies = [
        {},
        { channels: 'abc' },
        { channels: [{ id: 3 }] },
        { channels: ['x'] },
        { channels: [-1] },
        { channels: [0.5] },
        { channels: { id: 3 } },
        { channels: Array.from({ length: 8_000 }, (_, i) => i) },
      ]
      for (const payload of bodies) {
        const response = await send(t.app, 'DELETE', '/v1_0/user/channels', auth, payload)
        expect(response.statusCode).toBe(400)
        expect(response.json()).toHaveProperty('message')
      }
      expect(await readBar(t.app, auth)).toEqual(bar(3))
    })
  })

  describe('authorization of writes', () => {
    const writes: [InjectOptions['method'], string, unknown][] = [
      ['POST', '/v1_0/user/channels', { channels: [{ id: 3, seq: 1 }] }],
      ['PUT', '/v1_0/user/channels', { channels: [{ id: 3, seq: 1 }] }],
      ['PATCH', '/v1_0/user/channels', { channels: [{ id: 3, seq: 1 }] }],
      ['DELETE', '/v1_0/user/channels', { channels: [3] }],
      ['PUT', '/v1_0/user/channels/3', { seq: 1 }],
      ['DELETE', '/v1_0/user/channels/3', undefined],
    ]

    it('needs a valid access token', async () => {
      const { refresh_token } = await login(t.app, '13500009998')
      for (const prefix of PREFIXES) {
        for (const [method, url, payload] of writes) {
          const callers: Headers[] = [
            {},
            { authorization: 'Bearer junk' },
            { authorization: 'Anony x' },
          ]
          for (const headers of callers) {
            const response = await send(t.app, method, `${prefix}${url}`, headers, payload)
            expect(response.statusCode).toBe(401)
            expect(response.json()).toEqual({ message: 'User must be authorized.' })
          }
          const refresh = await send(
            t.app,
            method,
            `${prefix}${url}`,
            bearer(refresh_token),
            payload,
          )
          expect(refresh.statusCode).toBe(403)
          expect(refresh.json()).toEqual({ message: 'Do not use refresh token.' })
        }
      }
    })
  })

  const steps: [InjectOptions['method'], string, unknown, number[]][] = [
    [
      'POST',
      '/v1_0/user/channels',
      {
        channels: [
          { id: 3, seq: 1 },
          { id: 9, seq: 2 },
        ],
      },
      [3, 9],
    ],
    ['PATCH', '/v1_0/user/channels', { channels: [{ id: 12, seq: 0 }] }, [12, 3, 9]],
    ['PUT', '/v1_0/user/channels/3', { seq: 5 }, [12, 9, 3]],
    ['DELETE', '/v1_0/user/channels/12', undefined, [9, 3]],
    [
      'PUT',
      '/v1_0/user/channels',
      {
        channels: [
          { id: 1, seq: 1 },
          { id: 2, seq: 2 },
        ],
      },
      [1, 2],
    ],
    ['DELETE', '/v1_0/user/channels', { channels: [1] }, [2]],
    ['DELETE', '/v1_0/user/channels', { channels: [2] }, [1, 2, 18]],
  ]

  async function writeThenRead(writer: FastifyInstance, reader: FastifyInstance, auth: Headers) {
    for (const [method, url, payload, expected] of steps) {
      await readBar(reader, auth)
      await readBar(writer, auth)
      const response = await send(writer, method, url, auth, payload)
      expect(response.statusCode).toBeLessThan(300)
      // Another node hears of the write over the Redis bus, asynchronously: allow it a moment.
      await vi.waitFor(
        async () =>
          expect({ method, url, bar: await readBar(reader, auth) }).toEqual({
            method,
            url,
            bar: bar(...expected),
          }),
        { timeout: 1000 },
      )
      expect(await readBar(writer, auth)).toEqual(bar(...expected))
    }
  }

  it('shows every write on the very next read', async () => {
    await writeThenRead(t.app, t.app, await newUser(t.app))
  })

  describe.skipIf(!TEST_REDIS_URL)('on two nodes sharing the database and Redis', () => {
    let second: TestApp
    beforeAll(async () => {
      second = await buildTestApp({ shareWith: t })
    })
    afterAll(() => second.close())

    it('shows a write on one node on the next read on the other', async () => {
      const auth = await newUser(t.app)
      await writeThenRead(t.app, second.app, auth)
      await writeThenRead(second.app, t.app, auth)
    })
  })
})

describe('channels after the admin changes the list', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t?.close())

  it('lists by sequence, leaves hidden channels out and refuses to pick them', async () => {
    const auth = await newUser(t.app)
    await send(t.app, 'POST', '/v1_0/user/channels', auth, {
      channels: [
        { id: 5, seq: 1 },
        { id: 6, seq: 2 },
      ],
    })
    const db = t.deps.db.write
    await db.updateTable('news_channel').set({ sequence: 0 }).where('channel_id', '=', 20).execute()
    await db
      .updateTable('news_channel')
      .set({ is_visible: 0 })
      .where('channel_id', 'in', [2, 6])
      .execute()
    await forgetChannelLists(t.deps)

    const all = await t.app.inject({ url: '/v1_0/channels' })
    const expected = [20, ...Array.from({ length: 19 }, (_, i) => i + 1)].filter(
      (id) => id !== 2 && id !== 6,
    )
    expect(all.json()).toEqual({ message: 'OK', data: { channels: expected.map(channel) } })
    expect(await readBar(t.app)).toEqual(bar(1, 18))
    expect(await readBar(t.app, auth)).toEqual(bar(5))

    const pick = await send(t.app, 'PATCH', '/v1_0/user/channels', auth, {
      channels: [{ id: 2, seq: 3 }],
    })
    expect(pick.statusCode).toBe(400)
    expect(pick.json()).toEqual({ message: 'Invalid channels param.' })
    const place = await send(t.app, 'PUT', '/v1_0/user/channels/6', auth, { seq: 3 })
    expect(place.statusCode).toBe(400)
    expect(place.json()).toEqual({ message: 'Invalid channel id.' })
  })
})

describe.skipIf(!TEST_DATABASE_URL)('channels with a lagging read replica', () => {
  let replica: TestApp
  let t: TestApp
  beforeAll(async () => {
    replica = await buildTestApp()
    t = await buildTestApp({ env: { DATABASE_REPLICA_URLS: replica.databaseUrl ?? '' } })
  })
  afterAll(async () => {
    await t.close()
    await replica.close()
  })

  it("reads a user's own channels from the primary", async () => {
    const { auth } = await login(t.app, '13911111111')
    expect(await readBar(t.app, auth)).toEqual(DEFAULT_BAR)
    await send(t.app, 'POST', '/v1_0/user/channels', auth, { channels: [{ id: 7, seq: 1 }] })
    expect(await readBar(t.app, auth)).toEqual(bar(7))
  })
})
