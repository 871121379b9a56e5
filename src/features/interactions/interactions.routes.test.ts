import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import {
  approvedArticles,
  approvedComments,
  articleCard,
  articleDetail,
  collections,
  countsOf,
  expectRepairedAlike,
  newUser,
  send,
  type Headers,
} from '../../../test/interactions.js'
import { exactJson } from '../../../test/json.js'
import { bearer, login } from '../../../test/login.js'
import { NOT_FOUND } from '../../errors.js'
import type { Notification } from '../../infra/events/notifications.js'
import { COUNTERS } from '../../infra/store/counters.js'
import { reviewArticles } from '../article-lifecycle/index.js'
import { changeUserStatus, USER_STATUS } from '../auth/user-status.js'
import { likedCommentIds } from './comment-likings.cache.js'

const MOUNTS = ['', '/app']
const DEFAULT_PHOTO = 'http://headline.test/uploads/Fkj6tQi3xJwVXi1u2swCElotfdCi'
const created = (data: Record<string, unknown>) => ({ message: 'OK', data })
const CARD_KEYS = [
  'art_id',
  'title',
  'aut_id',
  'aut_name',
  'aut_photo',
  'pubdate',
  'ch_id',
  'cover',
  'is_top',
  'comm_count',
  'like_count',
  'collect_count',
  'is_liking',
].sort()

type Article = { id: bigint; author: bigint }

describe('interactions', () => {
  let t: TestApp
  let pool: Article[]
  // Each test takes articles nobody else touches, so counts can be compared before and after.
  const take = (count = 1) => {
    const taken = pool.splice(0, count)
    if (taken.length < count) throw new Error('article pool exhausted')
    return taken
  }
  const take1 = () => take(1)[0] as Article

  beforeAll(async () => {
    t = await buildTestApp()
    pool = await approvedArticles(t, 300)
  })
  afterAll(() => t?.close())

  const attitudeCounters = (a: Article) =>
    [
      [COUNTERS.articleLiking, a.id],
      [COUNTERS.articleDislike, a.id],
      [COUNTERS.userLiked, a.author],
    ] as const

  describe.each(MOUNTS)('likings and dislikes under "%s"', (prefix) => {
    it('like, dislike and cancel: the detail and every counter follow each step', async () => {
      const user = await newUser(t.app)
      const a = take1()
      const entries = attitudeCounters(a)
      const [likes0 = 0, dislikes0 = 0, liked0 = 0] = await countsOf(t, entries)
      const expectState = async (attitude: number, likes: number, dislikes: number) => {
        const detail = await articleDetail(t.app, a.id, user.auth, prefix)
        expect(detail.attitude).toBe(attitude)
        expect((await articleCard(t.app, a)).like_count).toBe(likes0 + likes)
        expect(await countsOf(t, entries)).toEqual([
          likes0 + likes,
          dislikes0 + dislikes,
          liked0 + likes,
        ])
      }
      const post = (path: string, payload: unknown) =>
        send(t.app, 'POST', `${prefix}/v1_0/article/${path}`, user.auth, payload)
      const remove = (path: string) =>
        send(t.app, 'DELETE', `${prefix}/v1_0/article/${path}/${a.id}`, user.auth)
      const expectCreated = (response: { statusCode: number; body: string }) => {
        expect(response.statusCode).toBe(201)
        expect(exactJson(response.body)).toEqual(created({ target: a.id }))
      }
      const expectDeleted = (response: { statusCode: number; body: string }) => {
        expect(response.statusCode).toBe(204)
        expect(response.body).toBe('')
      }

      await expectState(-1, 0, 0)
      expectCreated(await post('likings', { target: a.id.toString() }))
      await expectState(1, 1, 0)
      // The id as an exact JSON number (above 2^53); liking again changes nothing.
      expectCreated(await post('likings', `{"target": ${a.id}}`))
      await expectState(1, 1, 0)
      // A dislike replaces the like.
      expectCreated(await post('dislikes', { target: a.id.toString() }))
      await expectState(0, 0, 1)
      expectDeleted(await remove('likings'))
      await expectState(0, 0, 1)
      expectDeleted(await remove('dislikes'))
      await expectState(-1, 0, 0)
      expectDeleted(await remove('dislikes'))
      await expectState(-1, 0, 0)
      expectCreated(await post('dislikes', `{"target": "${a.id}"}`))
      expectCreated(await post('likings', { target: a.id.toString() }))
      await expectState(1, 1, 0)
      expectDeleted(await remove('likings'))
      await expectState(-1, 0, 0)
      expectCreated(await post('likings', { target: a.id.toString() }))
      await expectState(1, 1, 0)
      await expectRepairedAlike(t, entries)
    })
  })

  it('sends the author a liking notify for a new like, never for their own article', async () => {
    const notifications: Notification[] = []
    const unsubscribe = t.deps.notifications.subscribe((n) => notifications.push(n))
    try {
      const user = await newUser(t.app)
      const a = take1()
      const { title } = await t.deps.db.read
        .selectFrom('news_article_basic')
        .select('title')
        .where('article_id', '=', a.id.toString())
        .executeTakeFirstOrThrow()
      const before = Math.floor(Date.now() / 1000)
      const like = (auth: Headers) =>
        send(t.app, 'POST', '/v1_0/article/likings', auth, { target: a.id.toString() })
      expect((await like(user.auth)).statusCode).toBe(201)
      expect(notifications).toEqual([
        {
          event: 'liking notify',
          to: a.author,
          payload: {
            user_id: user.userId,
            user_name: (
              await t.deps.db.read
                .selectFrom('user_basic')
                .select('user_name')
                .where('user_id', '=', user.userId.toString())
                .executeTakeFirstOrThrow()
            ).user_name,
            user_photo: DEFAULT_PHOTO,
            art_id: a.id,
            art_title: title,
            timestamp: expect.any(Number) as number,
          },
        },
      ])
      const timestamp = notifications[0]?.payload['timestamp'] as number
      expect(timestamp).toBeGreaterThanOrEqual(before)
      expect(timestamp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000))

      expect((await like(user.auth)).statusCode).toBe(201)
      expect(notifications).toHaveLength(1)

      // The author likes their own article: counted, but nobody is told.
      const { mobile } = await t.deps.db.read
        .selectFrom('user_basic')
        .select('mobile')
        .where('user_id', '=', a.author.toString())
        .executeTakeFirstOrThrow()
      const author = await login(t.app, mobile)
      const [likes0] = await countsOf(t, attitudeCounters(a))
      expect((await like(author.auth)).statusCode).toBe(201)
      expect(await countsOf(t, attitudeCounters(a).slice(0, 1))).toEqual([(likes0 ?? 0) + 1])
      expect(notifications).toHaveLength(1)
      await expectRepairedAlike(t, attitudeCounters(a))
    } finally {
      unsubscribe()
    }
  })

  describe.each(MOUNTS)('collections under "%s"', (prefix) => {
    const url = `${prefix}/v1_0/article/collections`

    it('collect, list, like, uncollect: lists, details and counters agree', async () => {
      const user = await newUser(t.app)
      const [a1, a2] = take(2) as [Article, Article]
      const entries = [
        [COUNTERS.articleCollecting, a1.id],
        [COUNTERS.articleCollecting, a2.id],
        [COUNTERS.userArticleCollecting, user.userId],
      ] as const
      const [c1 = 0, c2 = 0] = await countsOf(t, entries)
      const expectCounts = async (one: number, two: number) =>
        expect(await countsOf(t, entries)).toEqual([c1 + one, c2 + two, one + two])
      const collect = (a: Article, headers: Headers = {}) =>
        send(t.app, 'POST', url, { ...user.auth, ...headers }, { target: a.id.toString() })

      expect(await collections(t.app, user.auth, '', prefix)).toEqual({
        total_count: 0,
        page: 1,
        per_page: 10,
        results: [],
      })
      const traces = vi.spyOn(t.deps.traceLog, 'write')
      const trace = '{"action":"collect","art":"1"}'
      let response = await collect(a1, { trace })
      expect(response.statusCode).toBe(201)
      expect(exactJson(response.body)).toEqual(created({ target: a1.id }))
      expect(traces).toHaveBeenCalledWith(expect.objectContaining({ param: trace }))
      traces.mockRestore()
      response = await send(t.app, 'POST', url, user.auth, `{"target": ${a2.id}}`)
      expect(exactJson(response.body)).toEqual(created({ target: a2.id }))
      await expectCounts(1, 1)

      let list = await collections(t.app, user.auth, '', prefix)
      expect(list.total_count).toBe(2)
      expect(list.results.map((card) => card.art_id)).toEqual([a2.id, a1.id])
      expect(list.results.map((card) => card.is_liking)).toEqual([false, false])
      expect(list.results.map((card) => card.collect_count)).toEqual([c2 + 1, c1 + 1])
      for (const card of list.results) expect(Object.keys(card).sort()).toEqual(CARD_KEYS)
      expect((await articleDetail(t.app, a1.id, user.auth, prefix)).is_collected).toBe(true)

      const liked = await send(t.app, 'POST', `${prefix}/v1_0/article/likings`, user.auth, {
        target: a2.id.toString(),
      })
      expect(liked.statusCode).toBe(201)
      list = await collections(t.app, user.auth, '', prefix)
      expect(list.results.map((card) => card.is_liking)).toEqual([true, false])

      expect((await collect(a1)).statusCode).toBe(201)
      await expectCounts(1, 1)

      response = await send(t.app, 'DELETE', `${url}/${a1.id}`, user.auth)
      expect(response.statusCode).toBe(204)
      expect(response.body).toBe('')
      list = await collections(t.app, user.auth, '', prefix)
      expect(list.total_count).toBe(1)
      expect(list.results.map((card) => card.art_id)).toEqual([a2.id])
      expect((await articleDetail(t.app, a1.id, user.auth, prefix)).is_collected).toBe(false)
      await expectCounts(0, 1)
      expect((await send(t.app, 'DELETE', `${url}/${a1.id}`, user.auth)).statusCode).toBe(204)
      await expectCounts(0, 1)

      expect((await collect(a1)).statusCode).toBe(201)
      await expectCounts(1, 1)
      list = await collections(t.app, user.auth, '', prefix)
      expect(new Set(list.results.map((card) => card.art_id))).toEqual(new Set([a1.id, a2.id]))
      expect((await articleDetail(t.app, a1.id, user.auth, prefix)).is_collected).toBe(true)
      await expectRepairedAlike(t, entries)
    })

    it('pages the collections, most recently collected first', async () => {
      const user = await newUser(t.app)
      const articles = take(12)
      for (const a of articles) {
        const response = await send(t.app, 'POST', url, user.auth, { target: a.id.toString() })
        expect(response.statusCode).toBe(201)
      }
      const newest = [...articles].reverse().map((a) => a.id)
      const first = await collections(t.app, user.auth, '', prefix)
      expect(first.total_count).toBe(12)
      expect(first.results.map((card) => card.art_id)).toEqual(newest.slice(0, 10))
      const second = await collections(t.app, user.auth, '?page=2&per_page=10', prefix)
      expect(second).toMatchObject({ total_count: 12, page: 2, per_page: 10 })
      expect(second.results.map((card) => card.art_id)).toEqual(newest.slice(10))
      const all = await collections(t.app, user.auth, '?per_page=50', prefix)
      expect(all.results.map((card) => card.art_id)).toEqual(newest)
      expect((await collections(t.app, user.auth, '?page=3', prefix)).results).toEqual([])
      for (const query of ['?per_page=9', '?per_page=51', '?page=0', '?page=x', '?per_page=-1']) {
        const response = await t.app.inject({ url: `${url}${query}`, headers: user.auth })
        expect(response.statusCode, query).toBe(400)
      }
    })
  })

  describe.each(MOUNTS)('reports under "%s"', (prefix) => {
    const url = `${prefix}/v1_0/article/reports`
    const stored = (userId: bigint, a: Article) =>
      t.deps.db.read
        .selectFrom('news_report')
        .select(['type', 'remark'])
        .where('user_id', '=', userId.toString())
        .where('article_id', '=', a.id.toString())
        .execute()

    it('stores one report per user and article; the remark only for type 0', async () => {
      const user = await newUser(t.app)
      const [a1, a2] = take(2) as [Article, Article]
      let response = await send(t.app, 'POST', url, user.auth, {
        target: a1.id.toString(),
        type: 0,
        remark: '标题党',
      })
      expect(response.statusCode).toBe(201)
      expect(exactJson(response.body)).toEqual(created({ target: a1.id, type: 0 }))
      expect((await stored(user.userId, a1)).map((r) => [Number(r.type), r.remark])).toEqual([
        [0, '标题党'],
      ])
      response = await send(t.app, 'POST', url, user.auth, {
        target: a1.id.toString(),
        type: 3,
      })
      expect(response.statusCode).toBe(409)
      expect(response.json()).toEqual({ message: 'User has reported this article.' })

      response = await send(
        t.app,
        'POST',
        url,
        user.auth,
        `{"target": ${a2.id}, "type": 8, "remark": "x"}`,
      )
      expect(response.statusCode).toBe(201)
      expect(exactJson(response.body)).toEqual(created({ target: a2.id, type: 8 }))
      expect((await stored(user.userId, a2)).map((r) => [Number(r.type), r.remark])).toEqual([
        [8, null],
      ])
    })

    it('answers 400 for a bad type or remark and 409 to all but one of concurrent duplicates', async () => {
      const user = await newUser(t.app)
      const a = take1()
      const target = a.id.toString()
      for (const type of [9, -1, 100, 1.5, 'x', '', '1', '09x', null, [1], {}]) {
        const response = await send(t.app, 'POST', url, user.auth, { target, type })
        expect(response.statusCode, JSON.stringify(type)).toBe(400)
        expect(response.json()).toEqual({ message: { type: 'Invalid report type.' } })
      }
      const missing = await send(t.app, 'POST', url, user.auth, { target })
      expect(missing.statusCode).toBe(400)
      expect(missing.json().message).toHaveProperty('type')
      const long = await send(t.app, 'POST', url, user.auth, {
        target,
        type: 0,
        remark: 'x'.repeat(201),
      })
      expect(long.statusCode).toBe(400)
      expect(await stored(user.userId, a)).toEqual([])

      const responses = await Promise.all(
        Array.from({ length: 6 }, () => send(t.app, 'POST', url, user.auth, { target, type: 1 })),
      )
      expect(responses.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409])
      expect(await stored(user.userId, a)).toHaveLength(1)
    })
  })

  describe.each(MOUNTS)('comment likings under "%s"', (prefix) => {
    const url = `${prefix}/v1_0/comment/likings`
    let comments: bigint[]
    beforeAll(async () => {
      comments = await approvedComments(t, 3, prefix === '' ? 0 : 3)
    })

    it('like and unlike: the liked set and the counter follow each step', async () => {
      const user = await newUser(t.app)
      const [c1, c2] = comments as [bigint, bigint]
      const entries = [
        [COUNTERS.commentLiking, c1],
        [COUNTERS.commentLiking, c2],
      ] as const
      const [l1 = 0, l2 = 0] = await countsOf(t, entries)
      const expectLiked = async (ids: bigint[], one: number, two: number) => {
        expect(await likedCommentIds(t.deps, user.userId)).toEqual(
          new Set(ids.map((id) => id.toString())),
        )
        expect(await countsOf(t, entries)).toEqual([l1 + one, l2 + two])
      }
      await expectLiked([], 0, 0)
      let response = await send(t.app, 'POST', url, user.auth, { target: c1.toString() })
      expect(response.statusCode).toBe(201)
      expect(exactJson(response.body)).toEqual(created({ target: c1 }))
      await expectLiked([c1], 1, 0)
      response = await send(t.app, 'POST', url, user.auth, `{"target": ${c1}}`)
      expect(exactJson(response.body)).toEqual(created({ target: c1 }))
      await expectLiked([c1], 1, 0)
      expect((await send(t.app, 'POST', url, user.auth, { target: `${c2}` })).statusCode).toBe(201)
      await expectLiked([c1, c2], 1, 1)
      response = await send(t.app, 'DELETE', `${url}/${c1}`, user.auth)
      expect(response.statusCode).toBe(204)
      expect(response.body).toBe('')
      await expectLiked([c2], 0, 1)
      expect((await send(t.app, 'DELETE', `${url}/${c1}`, user.auth)).statusCode).toBe(204)
      await expectLiked([c2], 0, 1)
      await expectRepairedAlike(t, entries)
    })

    it('answers 400 Invalid target comment id. for unknown and unapproved comments', async () => {
      const user = await newUser(t.app)
      const hidden = comments[2] as bigint
      await t.deps.db.write
        .updateTable('news_comment')
        .set({ status: 3 })
        .where('comment_id', '=', hidden.toString())
        .execute()
      for (const target of ['12345', hidden.toString(), '9999999999999999999']) {
        const response = await send(t.app, 'POST', url, user.auth, { target })
        expect(response.statusCode).toBe(400)
        expect(response.json()).toEqual({ message: { target: 'Invalid target comment id.' } })
      }
      expect(await likedCommentIds(t.deps, user.userId)).toEqual(new Set())
    })
  })

  it('lets a like or collection of an article that is gone be cancelled, and counts it', async () => {
    const user = await newUser(t.app)
    const a = take1()
    const entries = [
      ...attitudeCounters(a),
      [COUNTERS.articleCollecting, a.id],
      [COUNTERS.userArticleCollecting, user.userId],
    ] as const
    const counts0 = await countsOf(t, entries)
    const target = { target: a.id.toString() }
    expect((await send(t.app, 'POST', '/v1_0/article/likings', user.auth, target)).statusCode).toBe(
      201,
    )
    expect(
      (await send(t.app, 'POST', '/v1_0/article/collections', user.auth, target)).statusCode,
    ).toBe(201)
    await reviewArticles(t.deps, [a.id], 'ban')

    for (const path of ['likings', 'dislikes', 'collections']) {
      const response = await send(t.app, 'POST', `/v1_0/article/${path}`, user.auth, target)
      expect(response.statusCode).toBe(400)
      expect(response.json()).toEqual({ message: { target: 'Invalid target article id.' } })
    }
    const report = await send(t.app, 'POST', '/v1_0/article/reports', user.auth, {
      ...target,
      type: 1,
    })
    expect(report.statusCode).toBe(400)
    expect(report.json()).toEqual({ message: { target: 'Invalid target article id.' } })
    expect((await collections(t.app, user.auth)).results).toEqual([])

    for (const path of ['likings', 'collections']) {
      const response = await send(t.app, 'DELETE', `/v1_0/article/${path}/${a.id}`, user.auth)
      expect(response.statusCode).toBe(204)
    }
    expect(await countsOf(t, entries)).toEqual(counts0)
    await expectRepairedAlike(t, entries)
  })

  it('counts a change once when the same request arrives many times at once', async () => {
    const [user, other] = [await newUser(t.app), await newUser(t.app)]
    const a = take1()
    const entries = [
      ...attitudeCounters(a),
      [COUNTERS.articleCollecting, a.id],
      [COUNTERS.userArticleCollecting, user.userId],
    ] as const
    const [likes0 = 0, dislikes0 = 0, liked0 = 0, collecting0 = 0] = await countsOf(t, entries)
    const target = { target: a.id.toString() }
    const burst = (auth: Headers, method: 'POST' | 'DELETE', path: string, times = 8) =>
      Promise.all(
        Array.from({ length: times }, () =>
          method === 'POST'
            ? send(t.app, method, `/v1_0/article/${path}`, auth, target)
            : send(t.app, method, `/v1_0/article/${path}/${a.id}`, auth),
        ),
      )
    const codes = (responses: { statusCode: number }[]) => [
      ...new Set(responses.map((r) => r.statusCode)),
    ]

    expect(codes(await burst(user.auth, 'POST', 'likings'))).toEqual([201])
    expect(codes(await burst(other.auth, 'POST', 'likings'))).toEqual([201])
    expect(codes(await burst(user.auth, 'POST', 'collections'))).toEqual([201])
    expect(await countsOf(t, entries)).toEqual([
      likes0 + 2,
      dislikes0,
      liked0 + 2,
      collecting0 + 1,
      1,
    ])
    expect(codes(await burst(user.auth, 'DELETE', 'collections'))).toEqual([204])
    expect(codes(await burst(other.auth, 'POST', 'dislikes'))).toEqual([201])
    expect(await countsOf(t, entries)).toEqual([
      likes0 + 1,
      dislikes0 + 1,
      liked0 + 1,
      collecting0,
      0,
    ])

    // Likes, dislikes and cancels racing each other: whatever wins, the counts match the rows.
    const mixed = await Promise.all(
      ['likings', 'dislikes', 'likings', 'dislikes'].flatMap((path) => [
        send(t.app, 'POST', `/v1_0/article/${path}`, user.auth, target),
        send(t.app, 'DELETE', `/v1_0/article/${path}/${a.id}`, user.auth),
      ]),
    )
    expect(codes(mixed).sort()).toEqual([201, 204])
    await expectRepairedAlike(t, entries)
  })

  describe('auth', () => {
    const routes: [string, string][] = [
      ['POST', '/v1_0/article/likings'],
      ['DELETE', '/v1_0/article/likings/1'],
      ['POST', '/v1_0/article/dislikes'],
      ['DELETE', '/v1_0/article/dislikes/1'],
      ['POST', '/v1_0/article/collections'],
      ['GET', '/v1_0/article/collections'],
      ['DELETE', '/v1_0/article/collections/1'],
      ['POST', '/v1_0/article/reports'],
      ['POST', '/v1_0/comment/likings'],
      ['DELETE', '/v1_0/comment/likings/1'],
    ]
    const everywhere = MOUNTS.flatMap((prefix) =>
      routes.map(([method, url]) => [method, `${prefix}${url}`] as const),
    )
    const payload = { target: '1', type: 1 }

    it('rejects a missing, broken or refresh token and a disabled user', async () => {
      const user = await newUser(t.app)
      const disabled = await newUser(t.app)
      await changeUserStatus(t.deps, disabled.userId, USER_STATUS.disabled)
      const cases: [Headers, number, string][] = [
        [{}, 401, 'User must be authorized.'],
        [{ authorization: 'Bearer not-a-token' }, 401, 'User must be authorized.'],
        [bearer(user.refresh_token), 403, 'Do not use refresh token.'],
        [disabled.auth, 403, 'User denied.'],
      ]
      for (const [method, url] of everywhere) {
        for (const [headers, status, message] of cases) {
          const response = await send(
            t.app,
            method as 'POST',
            url,
            headers,
            method === 'POST' ? payload : undefined,
          )
          expect(response.statusCode, `${method} ${url}`).toBe(status)
          expect(response.json()).toEqual({ message })
        }
      }
    })
  })

  describe('bad input', () => {
    const posts = [
      '/v1_0/article/likings',
      '/v1_0/article/dislikes',
      '/v1_0/article/collections',
      '/v1_0/article/reports',
      '/v1_0/comment/likings',
    ]
    const badTargets: unknown[] = [
      {},
      { target: 'abc' },
      { target: -1 },
      { target: '-1' },
      { target: 0 },
      { target: '0' },
      { target: '007' },
      { target: 1.5 },
      { target: '1.5' },
      { target: ' 1' },
      { target: '99999999999999999999' },
      { target: null },
      { target: true },
      { target: [] },
      { target: {} },
      '{"target": 1e400}',
      '{"target": 123456789012345678901234567890}',
      '{"target": -9223372036854775808}',
      '{"target": ',
      'not json',
      '[]',
      '"1"',
      'null',
      '',
    ]

    it('answers 400, never 500, to malformed targets on every POST route', async () => {
      const user = await newUser(t.app)
      for (const prefix of MOUNTS) {
        for (const url of posts) {
          for (const body of badTargets) {
            const payload = typeof body === 'object' && body !== null ? { type: 1, ...body } : body
            const response = await send(t.app, 'POST', `${prefix}${url}`, user.auth, payload)
            expect(response.statusCode, `${url} ${JSON.stringify(body)}`).toBe(400)
            expect(response.json()).toHaveProperty('message')
          }
        }
      }
    })

    it('answers 400 with the target message for well-formed ids that name nothing', async () => {
      const user = await newUser(t.app)
      // 2^63 - 1 fits the column; 2^63 and beyond cannot be a stored id.
      for (const target of [
        '12345',
        '9223372036854775807',
        '9223372036854775808',
        '9999999999999999999',
      ]) {
        for (const prefix of MOUNTS) {
          for (const url of posts) {
            const response = await send(t.app, 'POST', `${prefix}${url}`, user.auth, {
              target,
              type: 1,
            })
            const message = url.includes('comment')
              ? 'Invalid target comment id.'
              : 'Invalid target article id.'
            expect(response.statusCode, `${url} ${target}`).toBe(400)
            expect(response.json()).toEqual({ message: { target: message } })
          }
        }
      }
    })

    it('answers 404 to paths that are not ids and 204 to ids that name nothing', async () => {
      const user = await newUser(t.app)
      const deletes = [
        '/v1_0/article/likings',
        '/v1_0/article/dislikes',
        '/v1_0/article/collections',
        '/v1_0/comment/likings',
      ]
      for (const prefix of MOUNTS) {
        for (const url of deletes) {
          for (const id of ['abc', '-1', '1.5', '0', '00', '1e3', '%20']) {
            const response = await send(t.app, 'DELETE', `${prefix}${url}/${id}`, user.auth)
            expect(response.statusCode, `${url}/${id}`).toBe(404)
            expect(response.json()).toEqual({ message: NOT_FOUND })
          }
          for (const id of ['12345', '9999999999999999999', '12345678901234567890']) {
            const response = await send(t.app, 'DELETE', `${prefix}${url}/${id}`, user.auth)
            expect(response.statusCode, `${url}/${id}`).toBe(204)
          }
        }
      }
    })
  })
})
