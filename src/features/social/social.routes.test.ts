import type { FastifyInstance, InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { TEST_REDIS_URL } from '../../../test/env.js'
import { exactJson, wire } from '../../../test/json.js'
import { send } from '../../../test/inject.js'
import { bearer, login } from '../../../test/login.js'
import { NOT_FOUND } from '../../errors.js'
import type { Notification } from '../../infra/events/notifications.js'
import { COUNTERS } from '../../infra/store/counters.js'
import { repairCounters } from '../../jobs/counter-repair.js'
import { SEED_USERS } from '../../seed/demo.js'
import { findUserByMobile } from '../users/users.repo.js'
import { LIST_CAP } from './follows.cache.js'

const MOUNTS = ['', '/app']
const DEFAULT_PHOTO = 'http://headline.test/uploads/Fkj6tQi3xJwVXi1u2swCElotfdCi'
const SIDES = ['followings', 'followers'] as const
type Side = (typeof SIDES)[number]
type Headers = Record<string, string>

interface User {
  id: bigint
  mobile: string
  name: string
  auth: Headers
}

let mobiles = 0
async function newUser(app: FastifyInstance): Promise<User> {
  const mobile = `136${String(++mobiles).padStart(8, '0')}`
  const { userId, auth } = await login(app, mobile)
  const { body } = await call(app, 'GET', '/v1_0/user', auth)
  return { id: userId, mobile, name: body.data.name as string, auth }
}

async function call(
  app: FastifyInstance,
  method: InjectOptions['method'],
  url: string,
  headers: Headers = {},
  payload?: unknown,
) {
  const response = await send(app, method, url, headers, payload)
  return {
    status: response.statusCode,
    body: response.body === '' ? '' : exactJson(response.body),
  }
}

/** `{"target": <id as a JSON number>}`: ids beyond 2^53 cannot go through JSON.stringify. */
const numberTarget = (id: bigint) => `{"target":${id}}`

const follow = (app: FastifyInstance, from: User, to: bigint, prefix = '') =>
  call(app, 'POST', `${prefix}/v1_0/user/followings`, from.auth, numberTarget(to))
const unfollow = (app: FastifyInstance, from: User, to: bigint, prefix = '') =>
  call(app, 'DELETE', `${prefix}/v1_0/user/followings/${to}`, from.auth)
const block = (app: FastifyInstance, from: User, to: bigint, prefix = '') =>
  call(app, 'POST', `${prefix}/v1_0/user/blacklists`, from.auth, { target: to.toString() })
const unblock = (app: FastifyInstance, from: User, to: bigint, prefix = '') =>
  call(app, 'DELETE', `${prefix}/v1_0/user/blacklists/${to}`, from.auth)

async function list(app: FastifyInstance, user: User, side: Side, query = '', prefix = '') {
  const response = await call(app, 'GET', `${prefix}/v1_0/user/${side}${query}`, user.auth)
  expect(response.status).toBe(200)
  return response.body.data
}

/** The viewer's `is_following` / `is_blacklist` of the target. */
async function relationOf(app: FastifyInstance, viewer: User, target: bigint, prefix = '') {
  const { status, body } = await call(app, 'GET', `${prefix}/v1_0/users/${target}`, viewer.auth)
  expect(status).toBe(200)
  return { following: body.data.is_following, blacklist: body.data.is_blacklist }
}

/** follow_count and fans_count as `GET /user` shows them. */
async function countsOf(app: FastifyInstance, user: User) {
  const { body } = await call(app, 'GET', '/v1_0/user', user.auth)
  return { follows: body.data.follow_count, fans: body.data.fans_count }
}

const item = (user: User, fans_count: number, mutual_follow: boolean) => ({
  id: user.id,
  name: user.name,
  photo: DEFAULT_PHOTO,
  fans_count,
  mutual_follow,
})

const page = (results: unknown[], total_count = results.length, p = 1, per_page = 10) => ({
  total_count,
  page: p,
  per_page,
  results,
})

/** The follow counters equal what the repair job rebuilds from the database. */
async function expectCountersRepaired(t: TestApp, users: User[]) {
  const read = () =>
    Promise.all(
      users.flatMap((user) => [
        t.deps.counters.get(COUNTERS.userFollowings, user.id),
        t.deps.counters.get(COUNTERS.userFollowers, user.id),
      ]),
    )
  const before = await read()
  await repairCounters(t.deps, [COUNTERS.userFollowings, COUNTERS.userFollowers])
  expect(await read()).toEqual(before)
}

describe('social', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t?.close())

  it('lists the seeded follows with names, fans counts and mutual follows', async () => {
    const seeded = await Promise.all(
      SEED_USERS.map((user) => findUserByMobile(t.deps.db.read, user.mobile)),
    )
    const me = {
      id: seeded[0]!.id,
      mobile: SEED_USERS[0]!.mobile,
      name: SEED_USERS[0]!.name,
      auth: (await login(t.app)).auth,
    }
    const seededItem = (index: number, fans_count: number, mutual_follow: boolean) => ({
      id: wire(seeded[index]!.id),
      name: SEED_USERS[index]!.name,
      photo: DEFAULT_PHOTO,
      fans_count,
      mutual_follow,
    })
    for (const prefix of MOUNTS) {
      expect(await list(t.app, me, 'followings', '', prefix)).toEqual(
        page([seededItem(1, 2, true)]),
      )
      // Seeded in one statement: same time, so the later rows come first.
      expect(await list(t.app, me, 'followers', '', prefix)).toEqual(
        page([
          seededItem(4, 1, false),
          seededItem(2, 1, false),
          seededItem(1, 2, true),
          seededItem(5, 0, false),
          seededItem(3, 0, false),
        ]),
      )
    }
  })

  describe.each(MOUNTS)('under "%s"', (prefix) => {
    it('follows and unfollows: profile flags, counters and both lists follow suit', async () => {
      const [a, b] = [await newUser(t.app), await newUser(t.app)]
      expect(await relationOf(t.app, a, b.id, prefix)).toEqual({
        following: false,
        blacklist: false,
      })
      expect(await list(t.app, a, 'followings', '', prefix)).toEqual(page([]))
      expect(await list(t.app, b, 'followers', '', prefix)).toEqual(page([]))

      const followed = await follow(t.app, a, b.id, prefix)
      expect(followed).toEqual({ status: 201, body: { message: 'OK', data: { target: b.id } } })
      expect(await relationOf(t.app, a, b.id, prefix)).toEqual({
        following: true,
        blacklist: false,
      })
      expect(await relationOf(t.app, b, a.id, prefix)).toEqual({
        following: false,
        blacklist: false,
      })
      expect(await countsOf(t.app, a)).toEqual({ follows: 1, fans: 0 })
      expect(await countsOf(t.app, b)).toEqual({ follows: 0, fans: 1 })
      expect(await list(t.app, a, 'followings', '', prefix)).toEqual(page([item(b, 1, false)]))
      expect(await list(t.app, b, 'followers', '', prefix)).toEqual(page([item(a, 0, false)]))

      // Following back makes it mutual on both sides.
      const back = await call(t.app, 'POST', `${prefix}/v1_0/user/followings`, b.auth, {
        target: a.id.toString(),
      })
      expect(back).toEqual({ status: 201, body: { message: 'OK', data: { target: a.id } } })
      expect(await list(t.app, a, 'followings', '', prefix)).toEqual(page([item(b, 1, true)]))
      expect(await list(t.app, a, 'followers', '', prefix)).toEqual(page([item(b, 1, true)]))
      expect(await list(t.app, b, 'followings', '', prefix)).toEqual(page([item(a, 1, true)]))
      expect(await list(t.app, b, 'followers', '', prefix)).toEqual(page([item(a, 1, true)]))
      expect(await countsOf(t.app, a)).toEqual({ follows: 1, fans: 1 })

      const removed = await unfollow(t.app, a, b.id, prefix)
      expect(removed).toEqual({ status: 204, body: '' })
      expect(await relationOf(t.app, a, b.id, prefix)).toEqual({
        following: false,
        blacklist: false,
      })
      expect(await countsOf(t.app, a)).toEqual({ follows: 0, fans: 1 })
      expect(await countsOf(t.app, b)).toEqual({ follows: 1, fans: 0 })
      expect(await list(t.app, a, 'followings', '', prefix)).toEqual(page([]))
      expect(await list(t.app, a, 'followers', '', prefix)).toEqual(page([item(b, 0, false)]))
      expect(await list(t.app, b, 'followings', '', prefix)).toEqual(page([item(a, 1, false)]))
      expect(await list(t.app, b, 'followers', '', prefix)).toEqual(page([]))
      await expectCountersRepaired(t, [a, b])
    })

    it('counts repeated follows and unfollows once', async () => {
      const [a, b] = [await newUser(t.app), await newUser(t.app)]
      for (let i = 0; i < 3; i++) {
        expect((await follow(t.app, a, b.id, prefix)).status).toBe(201)
        expect(await countsOf(t.app, a)).toEqual({ follows: 1, fans: 0 })
        expect(await countsOf(t.app, b)).toEqual({ follows: 0, fans: 1 })
      }
      expect(await list(t.app, a, 'followings', '', prefix)).toEqual(page([item(b, 1, false)]))
      for (let i = 0; i < 3; i++) {
        expect(await unfollow(t.app, a, b.id, prefix)).toEqual({ status: 204, body: '' })
        expect(await countsOf(t.app, a)).toEqual({ follows: 0, fans: 0 })
        expect(await countsOf(t.app, b)).toEqual({ follows: 0, fans: 0 })
      }
      // Follow again after an unfollow: the same row comes back.
      await follow(t.app, a, b.id, prefix)
      expect(await countsOf(t.app, b)).toEqual({ follows: 0, fans: 1 })
      await expectCountersRepaired(t, [a, b])
    })

    it('blacklists: a follow becomes a blacklisting, following again ends it', async () => {
      const [a, b] = [await newUser(t.app), await newUser(t.app)]
      await follow(t.app, a, b.id, prefix)
      expect(await countsOf(t.app, b)).toEqual({ follows: 0, fans: 1 })

      const blocked = await block(t.app, a, b.id, prefix)
      expect(blocked).toEqual({ status: 201, body: { message: 'OK', data: { target: b.id } } })
      expect(await relationOf(t.app, a, b.id, prefix)).toEqual({
        following: false,
        blacklist: true,
      })
      expect(await countsOf(t.app, a)).toEqual({ follows: 0, fans: 0 })
      expect(await countsOf(t.app, b)).toEqual({ follows: 0, fans: 0 })
      expect(await list(t.app, a, 'followings', '', prefix)).toEqual(page([]))
      expect(await list(t.app, b, 'followers', '', prefix)).toEqual(page([]))

      // Repeating it, or unfollowing, leaves the blacklisting alone.
      expect((await block(t.app, a, b.id, prefix)).status).toBe(201)
      expect(await unfollow(t.app, a, b.id, prefix)).toEqual({ status: 204, body: '' })
      expect(await relationOf(t.app, a, b.id, prefix)).toEqual({
        following: false,
        blacklist: true,
      })

      expect((await follow(t.app, a, b.id, prefix)).status).toBe(201)
      expect(await relationOf(t.app, a, b.id, prefix)).toEqual({
        following: true,
        blacklist: false,
      })
      expect(await countsOf(t.app, a)).toEqual({ follows: 1, fans: 0 })
      expect(await countsOf(t.app, b)).toEqual({ follows: 0, fans: 1 })

      // Removing a blacklisting that is not there leaves the follow alone.
      expect(await unblock(t.app, a, b.id, prefix)).toEqual({ status: 204, body: '' })
      expect(await relationOf(t.app, a, b.id, prefix)).toEqual({
        following: true,
        blacklist: false,
      })

      await block(t.app, a, b.id, prefix)
      expect(await unblock(t.app, a, b.id, prefix)).toEqual({ status: 204, body: '' })
      expect(await unblock(t.app, a, b.id, prefix)).toEqual({ status: 204, body: '' })
      expect(await relationOf(t.app, a, b.id, prefix)).toEqual({
        following: false,
        blacklist: false,
      })
      expect(await countsOf(t.app, a)).toEqual({ follows: 0, fans: 0 })
      expect(await countsOf(t.app, b)).toEqual({ follows: 0, fans: 0 })

      // A blacklisting of someone never followed counts nothing either.
      const c = await newUser(t.app)
      await block(t.app, a, c.id, prefix)
      expect(await relationOf(t.app, a, c.id, prefix)).toEqual({
        following: false,
        blacklist: true,
      })
      expect(await countsOf(t.app, c)).toEqual({ follows: 0, fans: 0 })
      await expectCountersRepaired(t, [a, b, c])
    })
  })

  it('publishes following notify to the target on a new follow only', async () => {
    const [a, b] = [await newUser(t.app), await newUser(t.app)]
    const seen: Notification[] = []
    const unsubscribe = t.deps.notifications.subscribe((n) => seen.push(n))
    try {
      const before = Math.floor(Date.now() / 1000)
      await follow(t.app, a, b.id)
      const after = Math.floor(Date.now() / 1000)
      expect(seen).toHaveLength(1)
      const [sent] = seen
      expect(sent).toEqual({
        event: 'following notify',
        to: b.id,
        payload: {
          user_id: a.id,
          user_name: a.name,
          user_photo: DEFAULT_PHOTO,
          timestamp: expect.any(Number),
        },
      })
      expect(sent!.payload['timestamp']).toBeGreaterThanOrEqual(before)
      expect(sent!.payload['timestamp']).toBeLessThanOrEqual(after)

      await follow(t.app, a, b.id)
      await block(t.app, a, b.id)
      await unfollow(t.app, a, b.id)
      expect(seen).toHaveLength(1)
      // Following someone blacklisted is a new follow.
      await follow(t.app, a, b.id)
      expect(seen).toHaveLength(2)
    } finally {
      unsubscribe()
    }
  })

  it('pages followings newest first; perPage is ignored', async () => {
    const me = await newUser(t.app)
    const others: User[] = []
    for (let i = 0; i < 12; i++) {
      const other = await newUser(t.app)
      others.push(other)
      await follow(t.app, me, other.id)
    }
    // Follows made within one second share their time: the later follow still comes first.
    const newest = [...others].reverse().map((other) => item(other, 1, false))
    expect(await list(t.app, me, 'followings')).toEqual(page(newest.slice(0, 10), 12))
    expect(await list(t.app, me, 'followings', '?perPage=20')).toEqual(
      page(newest.slice(0, 10), 12),
    )
    expect(await list(t.app, me, 'followings', '?page=2')).toEqual(
      page(newest.slice(10), 12, 2, 10),
    )
    expect(await list(t.app, me, 'followings', '?page=1&per_page=50')).toEqual(
      page(newest, 12, 1, 50),
    )
    expect(await list(t.app, me, 'followings', '?page=3')).toEqual(page([], 12, 3))
    expect(await list(t.app, me, 'followings', '?page=2147483647&per_page=50')).toEqual(
      page([], 12, 2147483647, 50),
    )

    // Unfollowing one and following it again moves it to the front.
    await unfollow(t.app, me, others[0]!.id)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    await follow(t.app, me, others[0]!.id)
    const first = await list(t.app, me, 'followings', '?per_page=11')
    expect(first.results.map((r: { id: bigint }) => r.id)).toEqual(
      [others[0], ...[...others].reverse().slice(0, 10)].map((other) => other!.id),
    )
  })

  it(`pages past the ${LIST_CAP} cached entries from the database`, async () => {
    const star = await newUser(t.app)
    const fans = Array.from({ length: LIST_CAP + 15 }, (_, i) => ({
      id: 9_100_000_000_000_000_000n + BigInt(i),
      mobile: `133${String(i).padStart(8, '0')}`,
    }))
    const db = t.deps.db.write
    const base = Date.UTC(2026, 5, 1)
    const time = (i: number) =>
      new Date(base + i * 1000).toISOString().slice(0, 19).replace('T', ' ')
    for (let i = 0; i < fans.length; i += 200) {
      const chunk = fans.slice(i, i + 200)
      await db
        .insertInto('user_basic')
        .values(
          chunk.map((f) => ({ user_id: f.id.toString(), mobile: f.mobile, user_name: f.mobile })),
        )
        .execute()
      await db
        .insertInto('user_relation')
        .values(
          chunk.map((f, j) => ({
            user_id: f.id.toString(),
            target_user_id: star.id.toString(),
            relation: 1,
            create_time: time(i + j),
            update_time: time(i + j),
          })),
        )
        .execute()
    }
    // The star follows back the oldest fan and one on the first page.
    const oldest = fans[0]!
    const recent = fans.at(-3)!
    for (const fan of [oldest, recent]) {
      await db
        .insertInto('user_relation')
        .values({ user_id: star.id.toString(), target_user_id: fan.id.toString(), relation: 1 })
        .execute()
    }
    const fanItem = (f: (typeof fans)[number]) => ({
      id: f.id,
      name: f.mobile,
      photo: DEFAULT_PHOTO,
      fans_count: 0,
      mutual_follow: f === oldest || f === recent,
    })
    const newest = [...fans].reverse()
    const total = fans.length
    expect(await list(t.app, star, 'followers')).toEqual(
      page(newest.slice(0, 10).map(fanItem), total),
    )
    for (const [p, perPage] of [
      [100, 10],
      [101, 10],
      [102, 10],
      [21, 49],
      [21, 50],
    ] as const) {
      const start = (p - 1) * perPage
      expect(await list(t.app, star, 'followers', `?page=${p}&per_page=${perPage}`)).toEqual(
        page(newest.slice(start, start + perPage).map(fanItem), total, p, perPage),
      )
    }
    // The star's followings check "follows me back" against the long fans list.
    const following = await list(t.app, star, 'followings')
    expect(following.results.map((r: { mutual_follow: boolean }) => r.mutual_follow)).toEqual([
      true,
      true,
    ])
  })

  it('counts a burst of concurrent follows and unfollows once', async () => {
    const [a, b] = [await newUser(t.app), await newUser(t.app)]
    const burst = (send: () => Promise<{ status: number }>) =>
      Promise.all(Array.from({ length: 8 }, send))
    for (const response of await burst(() => follow(t.app, a, b.id))) {
      expect(response.status).toBe(201)
    }
    expect(await countsOf(t.app, b)).toEqual({ follows: 0, fans: 1 })
    await burst(() => block(t.app, a, b.id))
    expect(await countsOf(t.app, b)).toEqual({ follows: 0, fans: 0 })
    await burst(() => follow(t.app, a, b.id))
    await burst(() => unfollow(t.app, a, b.id))
    expect(await countsOf(t.app, a)).toEqual({ follows: 0, fans: 0 })
    expect(await countsOf(t.app, b)).toEqual({ follows: 0, fans: 0 })
    await expectCountersRepaired(t, [a, b])
  })

  it('skips the authors the user blacklisted in the feed', async () => {
    const reader = await newUser(t.app)
    const feedUrl = `/v1_1/articles?channel_id=0&with_top=false&timestamp=${Date.now() + 60_000}`
    const authors = async () => {
      const { status, body } = await call(t.app, 'GET', feedUrl, reader.auth)
      expect(status).toBe(200)
      return body.data.results.map((card: { aut_id: bigint }) => card.aut_id) as bigint[]
    }
    const before = await authors()
    const author = before[0]!
    expect(before).toContain(author)
    await block(t.app, reader, author)
    const after = await authors()
    expect(after.length).toBeGreaterThan(0)
    expect(after).not.toContain(author)
    await unblock(t.app, reader, author)
    expect(await authors()).toContain(author)
  })

  describe('errors', () => {
    let me: User
    beforeAll(async () => {
      me = await newUser(t.app)
    })

    const routes = (target: string) => [
      ['POST', '/v1_0/user/followings'],
      ['GET', '/v1_0/user/followings'],
      ['DELETE', `/v1_0/user/followings/${target}`],
      ['GET', '/v1_0/user/followers'],
      ['POST', '/v1_0/user/blacklists'],
      ['DELETE', `/v1_0/user/blacklists/${target}`],
    ]

    it.each(MOUNTS)('asks for a valid access token under "%s"', async (prefix) => {
      const { refresh_token } = await login(t.app, '13600009999')
      for (const [method, url] of routes('1')) {
        const path = `${prefix}${url}`
        const payload = method === 'POST' ? { target: '1' } : undefined
        expect(await call(t.app, method as 'GET', path, {}, payload)).toEqual({
          status: 401,
          body: { message: 'User must be authorized.' },
        })
        expect(await call(t.app, method as 'GET', path, bearer('bad'), payload)).toEqual({
          status: 401,
          body: { message: 'User must be authorized.' },
        })
        expect(await call(t.app, method as 'GET', path, bearer(refresh_token), payload)).toEqual({
          status: 403,
          body: { message: 'Do not use refresh token.' },
        })
      }
    })

    it.each(MOUNTS)('refuses self and unknown targets under "%s"', async (prefix) => {
      const self = { target: me.id.toString() }
      expect(await call(t.app, 'POST', `${prefix}/v1_0/user/followings`, me.auth, self)).toEqual({
        status: 400,
        body: { message: 'User cannot follow self.' },
      })
      expect(await call(t.app, 'POST', `${prefix}/v1_0/user/blacklists`, me.auth, self)).toEqual({
        status: 400,
        body: { message: 'User cannot blacklist self.' },
      })
      for (const target of ['99999', 99999, '9223372036854775807', '9999999999999999999']) {
        for (const list of ['followings', 'blacklists']) {
          const url = `${prefix}/v1_0/user/${list}`
          const body = typeof target === 'string' ? { target } : `{"target":${target}}`
          expect({ target, ...(await call(t.app, 'POST', url, me.auth, body)) }).toEqual({
            target,
            status: 400,
            body: { message: { target: 'Invalid target user id.' } },
          })
        }
      }
      expect(await countsOf(t.app, me)).toEqual({ follows: 0, fans: 0 })
    })

    it('answers 400 to a malformed target or body, naming the field', async () => {
      const bodies: unknown[] = [
        {},
        { target: null },
        { target: '' },
        { target: 'abc' },
        { target: '12a' },
        { target: 0 },
        { target: -5 },
        { target: '1e3' },
        { target: '1.0' },
        { target: [1, 2] },
        { target: { id: 1 } },
        { target: '12345678901234567890' },
        '{"target":123456789012345678901234567890}',
      ]
      for (const list of ['followings', 'blacklists']) {
        for (const body of bodies) {
          const response = await call(t.app, 'POST', `/v1_0/user/${list}`, me.auth, body)
          expect({ body, status: response.status }).toEqual({ body, status: 400 })
          expect(response.body.message).toHaveProperty('target')
        }
        for (const text of ['null', '[]', '"x"', '42', 'not json', '{"target":', '[1']) {
          const response = await call(t.app, 'POST', `/v1_0/user/${list}`, me.auth, text)
          expect({ text, status: response.status }).toEqual({ text, status: 400 })
        }
        const empty = await call(t.app, 'POST', `/v1_0/user/${list}`, me.auth)
        expect(empty.status).toBe(400)
      }
    })

    it('answers 404 to a path target that is not an id and 204 to any id', async () => {
      const stranger = await newUser(t.app)
      for (const list of ['followings', 'blacklists']) {
        for (const target of ['abc', '-1', '1.5', '0', '00', '%20']) {
          expect(await call(t.app, 'DELETE', `/v1_0/user/${list}/${target}`, me.auth)).toEqual({
            status: 404,
            body: { message: NOT_FOUND },
          })
        }
        for (const target of [
          '1',
          '12345678901234567890',
          me.id.toString(),
          stranger.id.toString(),
          '9999999999999999999',
        ]) {
          expect(await call(t.app, 'DELETE', `/v1_0/user/${list}/${target}`, me.auth)).toEqual({
            status: 204,
            body: '',
          })
        }
      }
    })

    it('never answers 5xx to odd input', async () => {
      const odd = [
        ['GET', '/v1_0/user/followings?page[]=1&per_page[]=10'],
        ['GET', '/v1_0/user/followers?per_page=10&per_page=20'],
        ['GET', '/v1_0/user/followers?page=1e3'],
        ['GET', '/v1_0/user/followings?page=%00'],
        ['GET', `/v1_0/user/followings?page=${'9'.repeat(400)}`],
        ['DELETE', `/v1_0/user/followings/${'9'.repeat(400)}`],
        ['DELETE', '/v1_0/user/blacklists/00000000000000000001'],
        ['DELETE', '/v1_0/user/blacklists/0000000000000000001'],
      ] as const
      for (const [method, url] of odd) {
        const { status } = await call(t.app, method, url, me.auth)
        expect({ url, status: status < 500 }).toEqual({ url, status: true })
      }
      const bodies = [
        `{"target":"${'9'.repeat(10_000)}"}`,
        `{"target":${'9'.repeat(10_000)}}`,
        '{"target":1,"__proto__":{"x":1}}',
        '{"target":"99999","extra":[1,2,3]}',
        `{"target":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      ]
      for (const list of ['followings', 'blacklists']) {
        for (const body of bodies) {
          const { status } = await call(t.app, 'POST', `/v1_0/user/${list}`, me.auth, body)
          expect({ body: body.slice(0, 40), status }).toEqual({
            body: body.slice(0, 40),
            status: 400,
          })
        }
      }
      expect(await countsOf(t.app, me)).toEqual({ follows: 0, fans: 0 })
    })

    it('answers 400 to bad paging, naming the parameter', async () => {
      const cases: [string, string][] = [
        ['page=0', 'page'],
        ['page=-1', 'page'],
        ['page=abc', 'page'],
        ['page=1.5', 'page'],
        ['per_page=9', 'per_page'],
        ['per_page=51', 'per_page'],
        ['per_page=x', 'per_page'],
        ['per_page=', 'per_page'],
      ]
      for (const side of SIDES) {
        for (const [query, field] of cases) {
          const response = await call(t.app, 'GET', `/v1_0/user/${side}?${query}`, me.auth)
          expect({ query, status: response.status }).toEqual({ query, status: 400 })
          expect(response.body.message).toHaveProperty(field)
        }
      }
    })
  })

  describe.skipIf(!TEST_REDIS_URL)('on two nodes sharing the database and Redis', () => {
    let other: TestApp
    beforeAll(async () => {
      other = await buildTestApp({ shareWith: t })
    })
    afterAll(() => other?.close())

    it('shows a write on one node on the next reads on the other', async () => {
      const [a, b] = [await newUser(t.app), await newUser(t.app)]
      const b1 = other.app
      // Fill the second node's caches first.
      expect(await relationOf(b1, a, b.id)).toEqual({ following: false, blacklist: false })
      expect(await list(b1, a, 'followings')).toEqual(page([]))
      expect(await list(b1, b, 'followers')).toEqual(page([]))

      await follow(t.app, a, b.id)
      await vi.waitFor(async () => {
        expect(await relationOf(b1, a, b.id)).toEqual({ following: true, blacklist: false })
        expect(await list(b1, a, 'followings')).toEqual(page([item(b, 1, false)]))
        expect(await list(b1, b, 'followers')).toEqual(page([item(a, 0, false)]))
      })

      await block(t.app, a, b.id)
      await vi.waitFor(async () => {
        expect(await relationOf(b1, a, b.id)).toEqual({ following: false, blacklist: true })
        expect(await list(b1, a, 'followings')).toEqual(page([]))
        expect(await list(b1, b, 'followers')).toEqual(page([]))
        expect(await countsOf(b1, b)).toEqual({ follows: 0, fans: 0 })
      })

      // And the other way round.
      await unblock(b1, a, b.id)
      await follow(b1, b, a.id)
      await vi.waitFor(async () => {
        expect(await relationOf(t.app, a, b.id)).toEqual({ following: false, blacklist: false })
        expect(await list(t.app, a, 'followers')).toEqual(page([item(b, 0, false)]))
      })
    })
  })
})
