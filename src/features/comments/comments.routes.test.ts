import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../../../test/env.js'
import { exactJson } from '../../../test/json.js'
import { send } from '../../../test/inject.js'
import { login } from '../../../test/login.js'
import type { Notification } from '../../infra/events/notifications.js'
import { COUNTERS } from '../../infra/store/counters.js'
import { repairCounters } from '../../jobs/counter-repair.js'
import { reviewArticles } from '../article-lifecycle/index.js'
import { forgetArticleComments } from './comments.cache.js'
import { NEW_USER_NAME } from '../auth/display-names.js'

type Db = TestApp['deps']['db']['write']
type Headers = Record<string, string>

const MOUNTS = ['', '/app']
const PINNED = 20_000_000_000_000_000_000n
const DEFAULT_PHOTO = 'http://headline.test/uploads/Fkj6tQi3xJwVXi1u2swCElotfdCi'

/** A stored comment with the score the original gave it, computed here independently. */
interface Row {
  id: bigint
  userId: bigint
  articleId: bigint
  parentId: bigint | null
  content: string
  isTop: number
  createTime: string
  score: bigint
}

const scoreOf = (createTime: string, isTop: number) =>
  BigInt(Date.parse(`${createTime.replace(' ', 'T')}Z`) / 1000) + (isTop ? PINNED : 0n)

/** Approved comments of an article (top level) or replies of a comment, highest score first. */
async function storedComments(db: Db, of: { articleId: bigint } | { parentId: bigint }) {
  let query = db.selectFrom('news_comment').selectAll().where('status', '=', 1)
  query =
    'articleId' in of
      ? query.where('article_id', '=', String(of.articleId)).where('parent_id', 'is', null)
      : query.where('parent_id', '=', String(of.parentId))
  const rows: Row[] = (await query.execute()).map((r) => ({
    id: BigInt(r.comment_id),
    userId: BigInt(r.user_id),
    articleId: BigInt(r.article_id),
    parentId: r.parent_id === null ? null : BigInt(r.parent_id),
    content: r.content,
    isTop: Number(r.is_top),
    createTime: r.create_time,
    score: scoreOf(r.create_time, Number(r.is_top)),
  }))
  return rows.sort((a, b) =>
    a.score !== b.score ? (a.score > b.score ? -1 : 1) : a.id > b.id ? -1 : 1,
  )
}

/** The list items the API must answer for `rows`, from SQL alone. */
async function expectedItems(db: Db, rows: Row[], viewer: bigint | null = null) {
  const items = []
  for (const row of rows) {
    const user = await db
      .selectFrom('user_basic')
      .select(['user_name', 'profile_photo'])
      .where('user_id', '=', String(row.userId))
      .executeTakeFirstOrThrow()
    const likings = await db
      .selectFrom('news_comment_liking')
      .select(['user_id'])
      .where('comment_id', '=', String(row.id))
      .where('is_deleted', '=', 0)
      .execute()
    const replies = await storedComments(db, { parentId: row.id })
    items.push({
      com_id: row.id,
      aut_id: row.userId,
      aut_name: user.user_name,
      aut_photo: user.profile_photo
        ? `http://headline.test/uploads/${user.profile_photo}`
        : DEFAULT_PHOTO,
      pubdate: row.createTime.slice(0, 19).replace(' ', 'T'),
      content: row.content,
      is_top: row.isTop,
      like_count: likings.length,
      reply_count: replies.length,
      is_liking: viewer !== null && likings.some((l) => BigInt(l.user_id) === viewer),
    })
  }
  return items
}

/** Numbers in replies as bigints (exactJson leaves safe integers as numbers). */
const big = (value: unknown) => (value === null ? null : BigInt(value as number | bigint))

/** Normalizes ids and scores of a list reply to bigints, for comparison with `expectedItems`. */
function normalize(data: any) {
  return {
    ...data,
    end_id: big(data.end_id),
    last_id: big(data.last_id),
    results: data.results.map(normalizeItem),
  }
}

/** A comment item with its ids as bigints. */
const normalizeItem = (item: any) => ({
  ...item,
  com_id: big(item.com_id),
  aut_id: big(item.aut_id),
})

async function listComments(
  app: FastifyInstance,
  query: string,
  headers: Headers = {},
  prefix = '',
) {
  const response = await app.inject({ url: `${prefix}/v1_0/comments?${query}`, headers })
  return { status: response.statusCode, body: exactJson(response.body), raw: response.body }
}

/** GET that must succeed; its `data`, normalized. */
async function page(app: FastifyInstance, query: string, headers: Headers = {}, prefix = '') {
  const { status, body } = await listComments(app, query, headers, prefix)
  expect({ query, status }).toEqual({ query, status: 200 })
  expect(body.message).toBe('OK')
  return normalize(body.data)
}

function post(app: FastifyInstance, headers: Headers, payload: unknown, prefix = '') {
  return send(app, 'POST', `${prefix}/v1_0/comments`, headers, payload)
}

/** Approved, commentable articles of the seed; `commented` picks those with comments or not. */
async function seededArticles(db: Db, commented: boolean) {
  const withComments = new Set(
    (await db.selectFrom('news_comment').select('article_id').execute()).map((r) =>
      String(r.article_id),
    ),
  )
  const articles = await db
    .selectFrom('news_article_basic')
    .select(['article_id', 'user_id', 'title'])
    .where('status', '=', 2)
    .where('allow_comment', '=', 1)
    .orderBy('create_time', 'desc')
    .execute()
  return articles
    .filter((a) => withComments.has(String(a.article_id)) === commented)
    .map((a) => ({ id: BigInt(a.article_id), authorId: BigInt(a.user_id), title: a.title }))
}

let mobiles = 0
const newUser = (app: FastifyInstance) => login(app, `134${String(++mobiles).padStart(8, '0')}`)

describe('comments', () => {
  let t: TestApp
  let db: Db
  let fresh: { id: bigint; authorId: bigint; title: string }[]
  let user0: Awaited<ReturnType<typeof login>>
  const nextFresh = () => {
    const article = fresh.shift()
    if (!article) throw new Error('out of articles without comments')
    return article
  }

  beforeAll(async () => {
    t = await buildTestApp()
    db = t.deps.db.write
    fresh = await seededArticles(db, false)
    user0 = await login(t.app, '13911111111')
  })
  afterAll(() => t?.close())

  /** Writes `count` comments straight to the database, `apart` ms apart, the last `pinned` pinned. */
  async function insertComments(
    articleId: bigint,
    count: number,
    pinned = 0,
    parentId?: bigint,
    apart = 60_000,
  ) {
    const base = Date.UTC(2026, 2, 1)
    const users = await db.selectFrom('user_basic').select('user_id').execute()
    const values = Array.from({ length: count }, (_, i) => {
      const time = new Date(base + i * apart).toISOString().slice(0, 19).replace('T', ' ')
      return {
        comment_id: String(t.deps.ids.nextId()),
        user_id: String(users[i % users.length]?.user_id),
        article_id: String(articleId),
        parent_id: parentId === undefined ? null : String(parentId),
        content: `comment ${i}`,
        is_top: count - i <= pinned ? 1 : 0,
        status: 1,
        create_time: time,
        update_time: time,
      }
    })
    await db.insertInto('news_comment').values(values).execute()
    await repairCounters(t.deps, [COUNTERS.articleComments, COUNTERS.commentReplies])
  }

  /** Moderates a comment as the media platform does: its row, then the list it sat in. */
  async function setStatus(id: bigint, status: number) {
    const where = db.selectFrom('news_comment').where('comment_id', '=', String(id))
    const row = await where.select('article_id').executeTakeFirstOrThrow()
    await db
      .updateTable('news_comment')
      .set({ status })
      .where('comment_id', '=', String(id))
      .execute()
    await forgetArticleComments(t.deps, BigInt(row.article_id))
  }

  describe('GET /v1_0/comments', () => {
    it("lists a seeded article's comments: pinned first, exact ids and scores", async () => {
      const pinned = await db
        .selectFrom('news_comment')
        .select('article_id')
        .where('is_top', '=', 1)
        .where('parent_id', 'is', null)
        .executeTakeFirstOrThrow()
      const articleId = BigInt(pinned.article_id)
      const rows = await storedComments(db, { articleId })
      expect(rows[0]?.isTop).toBe(1)
      const expected = await expectedItems(db, rows)
      for (const prefix of MOUNTS) {
        const response = await listComments(
          t.app,
          `type=a&source=${articleId}&limit=50`,
          {},
          prefix,
        )
        expect(response.status).toBe(200)
        expect(normalize(response.body.data)).toEqual({
          total_count: rows.length,
          end_id: rows.at(-1)?.id,
          last_id: rows.at(-1)?.id,
          results: expected,
        })
        // The pinned score and the ids are bare JSON integers, digit for digit.
        expect(response.raw).toContain(`"com_id":${rows[0]?.id}`)
        expect(typeof response.body.data.results[0].com_id).toBe('bigint')
      }
    })

    it('marks the comments the viewer likes', async () => {
      const liked = await db
        .selectFrom('news_comment_liking as l')
        .innerJoin('news_comment as c', 'c.comment_id', 'l.comment_id')
        .select('c.article_id')
        .where('l.user_id', '=', String(user0.userId))
        .executeTakeFirstOrThrow()
      const articleId = BigInt(liked.article_id)
      const rows = await storedComments(db, { articleId })
      const expected = await expectedItems(db, rows, user0.userId)
      expect(expected.some((item) => item.is_liking)).toBe(true)
      expect(expected.some((item) => item.like_count > 0)).toBe(true)
      for (const prefix of MOUNTS) {
        const data = await page(t.app, `type=a&source=${articleId}&limit=50`, user0.auth, prefix)
        expect(data.results).toEqual(expected)
      }
      const anonymous = await page(t.app, `type=a&source=${articleId}`)
      expect(anonymous.results.every((item: any) => item.is_liking === false)).toBe(true)
    })

    it("lists a comment's replies with type c", async () => {
      const reply = await db
        .selectFrom('news_comment')
        .select('parent_id')
        .where('parent_id', 'is not', null)
        .executeTakeFirstOrThrow()
      const parentId = BigInt(reply.parent_id as string)
      const rows = await storedComments(db, { parentId })
      expect(rows.length).toBeGreaterThan(0)
      for (const prefix of MOUNTS) {
        expect(await page(t.app, `type=c&source=${parentId}`, {}, prefix)).toEqual({
          total_count: rows.length,
          end_id: rows.at(-1)?.id,
          last_id: rows.at(-1)?.id,
          results: await expectedItems(db, rows),
        })
      }
    })

    it('pages by comment-id cursor to the end without repeating, pinned comments first', async () => {
      const article = nextFresh()
      await insertComments(article.id, 27, 12)
      const rows = await storedComments(db, { articleId: article.id })
      expect(rows).toHaveLength(27)
      await insertComments(article.id, 3, 0, rows[20]?.id)
      const expected = await expectedItems(db, rows)
      const offsets = [
        (s: bigint) => `${s}`,
        (s: bigint) => `"${s}"`,
        (s: bigint) => encodeURIComponent(`"${s}"`),
      ]
      for (const [index, prefix] of MOUNTS.entries()) {
        const seen: unknown[] = []
        let offset: bigint | null = null
        let pages = 0
        for (;;) {
          const cursor = offset === null ? '' : `&offset=${offsets[(pages + index) % 3]?.(offset)}`
          const data = await page(
            t.app,
            `type=a&source=${article.id}&limit=10${cursor}`,
            {},
            prefix,
          )
          pages += 1
          expect(data.total_count).toBe(27)
          expect(data.end_id).toBe(rows[26]?.id)
          expect(data.results).toEqual(expected.slice(seen.length, seen.length + 10))
          seen.push(...data.results)
          expect(data.last_id).toBe(rows[seen.length - 1]?.id)
          if (data.last_id === data.end_id) break
          offset = data.last_id
          expect(pages).toBeLessThan(5)
        }
        expect(pages).toBe(3)
        expect(new Set(seen.map((item: any) => item.com_id)).size).toBe(27)
      }
      const first = await listComments(t.app, `type=a&source=${article.id}`)
      expect(first.raw).toContain(`"last_id":${rows[9]?.id}`)
      // The original's cursors, scores, keep working: a pinned one is beyond 2^64.
      const pinnedScore = rows[9]?.score as bigint
      expect(pinnedScore > 2n ** 64n).toBe(true)
      for (const offset of [`${pinnedScore}`, `"${pinnedScore}"`]) {
        const second = await page(t.app, `type=a&source=${article.id}&offset=${offset}`)
        expect(second.results.map((item: any) => item.com_id)).toEqual(
          rows.slice(10, 20).map((row) => row.id),
        )
        expect(second.last_id).toBe(rows[19]?.id)
      }
      const below = await page(t.app, `type=a&source=${article.id}&offset=${rows[20]?.score}`)
      expect(below.results.map((item: any) => item.com_id)).toEqual(
        rows.slice(21).map((row) => row.id),
      )
      const all = await page(t.app, `type=a&source=${article.id}&limit=50`)
      expect(all.results).toEqual(expected)
      expect(all.last_id).toBe(all.end_id)
      for (const offset of [rows[26]?.id, rows[26]?.score]) {
        expect(await page(t.app, `type=a&source=${article.id}&offset=${offset}`)).toEqual({
          total_count: 27,
          end_id: rows[26]?.id,
          last_id: null,
          results: [],
        })
      }
    })

    it('reaches every comment exactly once when many share a second', async () => {
      const article = nextFresh()
      await insertComments(article.id, 57, 3, undefined, 0)
      const { auth } = await newUser(t.app)
      for (let i = 0; i < 12; i++) {
        const payload = { target: article.id.toString(), content: `同秒 ${i}` }
        expect((await post(t.app, auth, payload)).statusCode).toBe(201)
      }
      const rows = await storedComments(db, { articleId: article.id })
      expect(rows).toHaveLength(69)
      const walk = async (limit: number, deleteOnTheWay = false) => {
        const seen: bigint[] = []
        let offset = ''
        for (let pages = 0; pages < 80; pages++) {
          const data = await page(t.app, `type=a&source=${article.id}&limit=${limit}${offset}`)
          seen.push(...data.results.map((item: any) => item.com_id))
          if (data.results.length === 0 || data.last_id === data.end_id) return seen
          // The comment the cursor names leaves the list: the next page still starts after it.
          if (deleteOnTheWay && pages === 1) await setStatus(data.last_id, 3)
          offset = pages % 2 ? `&offset=${data.last_id}` : `&offset="${data.last_id}"`
        }
        throw new Error('paging did not end')
      }
      for (const limit of [10, 13, 50]) {
        expect(await walk(limit)).toEqual(rows.map((row) => row.id))
      }
      // Deleted after it was shown, the 20th comment still names where page 3 starts.
      expect(await walk(10, true)).toEqual(rows.map((row) => row.id))
      const { total_count } = await page(t.app, `type=a&source=${article.id}`)
      expect(total_count).toBe(68)
    })

    it('answers an empty page for sources without comments or that do not exist', async () => {
      const article = nextFresh()
      const banned = await db
        .selectFrom('news_comment as c')
        .innerJoin('news_article_basic as a', 'a.article_id', 'c.article_id')
        .select('c.article_id')
        .where('a.status', '=', 2)
        .executeTakeFirstOrThrow()
      await reviewArticles(t.deps, [BigInt(banned.article_id)], 'ban')
      const empty = { total_count: 0, end_id: null, last_id: null, results: [] }
      const sources = [
        `type=a&source=${article.id}`,
        'type=a&source=123',
        `type=a&source=${banned.article_id}`,
        'type=a&source=9223372036854775807',
        'type=a&source=99999999999999999999999',
        `type=c&source=${article.id}`,
        'type=c&source=1',
        'type=c&source=18446744073709551616',
      ]
      for (const prefix of MOUNTS) {
        for (const query of sources) {
          const response = await listComments(t.app, query, {}, prefix)
          expect({ query, status: response.status }).toEqual({ query, status: 200 })
          expect(response.body).toEqual({ message: 'OK', data: empty })
          expect(response.raw).toContain('"end_id":null,"last_id":null')
        }
      }
    })

    it("answers the original's reqparse errors and never a 500", async () => {
      const source = nextFresh().id
      const cases: [string, unknown][] = [
        [`source=${source}`, { type: 'Missing required parameter in the query string' }],
        [`type=x&source=${source}`, { type: 'Invalid type param.' }],
        [`type=&source=${source}`, { type: 'Invalid type param.' }],
        [`type=A&source=${source}`, { type: 'Invalid type param.' }],
        ['type=a', { source: 'Missing required parameter in the query string' }],
        ['type=a&source=abc', { source: 'abc is not a valid integer' }],
        ['type=a&source=0', { source: 'Invalid source: 0. source must be a positive integer' }],
        [`type=a&source=${source}&offset=x1`, { offset: 'x1 is not a valid integer' }],
        [`type=a&source=${source}&offset=1.5`, { offset: '1.5 is not a valid integer' }],
        [
          `type=a&source=${source}&offset=-3`,
          { offset: 'Invalid offset: -3. offset must be a positive integer' },
        ],
        [
          `type=a&source=${source}&limit=9`,
          { limit: 'Invalid limit: 9. limit must be within the range 10 - 50' },
        ],
        [
          `type=a&source=${source}&limit=51`,
          { limit: 'Invalid limit: 51. limit must be within the range 10 - 50' },
        ],
        [`type=a&source=${source}&limit=ten`, { limit: 'ten is not a valid integer' }],
      ]
      for (const prefix of MOUNTS) {
        for (const [query, message] of cases) {
          const response = await listComments(t.app, query, {}, prefix)
          expect({ query, status: response.status, body: response.body }).toEqual({
            query,
            status: 400,
            body: { message },
          })
        }
      }
      const junk = [
        'type=a&type=c&source=1',
        `type=a&source=${source}&source=2`,
        'type[]=a&source=1',
        `type=a&source=%00`,
        `type=a&source=${'9'.repeat(500)}`,
        `type=a&source=${source}&offset=${'9'.repeat(500)}`,
        `type=a&source=${source}&offset=""`,
        `type=a&source=${source}&limit=1e1`,
        `type=c&source="${source}"&offset="`,
      ]
      for (const query of junk) {
        const response = await listComments(t.app, query)
        expect({ query, status: response.status < 500 }).toEqual({ query, status: true })
      }
      const token = await listComments(t.app, `type=a&source=${source}`, {
        authorization: 'Bearer junk',
      })
      expect(token.status).toBe(401)
      expect(token.body).toEqual({ message: 'Token has some errors.' })
    })
  })

  describe('POST /v1_0/comments', () => {
    it('adds a comment: 201 with new_obj, first on the next read, counters +1', async () => {
      const article = nextFresh()
      const user = await newUser(t.app)
      for (const prefix of MOUNTS) {
        const before = await page(t.app, `type=a&source=${article.id}`)
        const counted = await t.deps.counters.get(COUNTERS.articleComments, article.id)
        const response = await post(
          t.app,
          user.auth,
          { target: String(article.id), content: '好文' },
          prefix,
        )
        expect(response.statusCode).toBe(201)
        const body = exactJson(response.body)
        const comId = body.data.com_id as bigint
        expect(typeof comId).toBe('bigint')
        const [row] = (await storedComments(db, { articleId: article.id })).filter(
          (r) => r.id === comId,
        )
        expect(row).toBeDefined()
        const newObj = {
          com_id: comId,
          aut_id: user.userId,
          aut_name: expect.stringMatching(NEW_USER_NAME),
          aut_photo: DEFAULT_PHOTO,
          like_count: 0,
          reply_count: 0,
          pubdate: row?.createTime.replace(' ', 'T'),
          content: '好文',
          is_top: 0,
          is_liking: false,
        }
        expect(body).toEqual({
          message: 'OK',
          data: { com_id: comId, target: article.id, art_id: article.id, new_obj: newObj },
        })
        expect(response.body).toContain(`"art_id":${article.id}`)
        const after = await page(t.app, `type=a&source=${article.id}`, user.auth)
        expect(after.total_count).toBe(before.total_count + 1)
        expect(after.results[0]).toEqual(newObj)
        expect(after.results.slice(1)).toEqual(before.results)
        expect(after.last_id).toBe(after.end_id)
        expect(await t.deps.counters.get(COUNTERS.articleComments, article.id)).toBe(counted + 1)
      }
    })

    it('adds a reply with art_id: in the replies, reply_count +1, no notification', async () => {
      const article = nextFresh()
      const user = await newUser(t.app)
      const notifications: Notification[] = []
      const unsubscribe = t.deps.notifications.subscribe((n) => notifications.push(n))
      const top = await post(t.app, user0.auth, { target: article.id.toString(), content: 'top' })
      const parentId = exactJson(top.body).data.com_id as bigint
      for (const [i, prefix] of MOUNTS.entries()) {
        // json-bigint clients send ids as strings; others as bare numbers.
        const artId = i === 0 ? `"${article.id}"` : `${article.id}`
        const payload = `{"target":${parentId},"content":"reply ${i}","art_id":${artId}}`
        const response = await post(t.app, user.auth, payload, prefix)
        expect(response.statusCode).toBe(201)
        const data = exactJson(response.body).data
        expect(data).toMatchObject({ target: parentId, art_id: article.id })
        const replies = await page(t.app, `type=c&source=${parentId}`)
        expect(replies.total_count).toBe(i + 1)
        expect(replies.results[0]).toEqual(data.new_obj)
        const comments = await page(t.app, `type=a&source=${article.id}`)
        expect(comments.total_count).toBe(1)
        expect(comments.results[0].reply_count).toBe(i + 1)
      }
      expect(await t.deps.counters.get(COUNTERS.articleComments, article.id)).toBe(3)
      expect(await t.deps.counters.get(COUNTERS.commentReplies, parentId)).toBe(2)
      unsubscribe()
      // Only the top-level comment notifies, and not when its writer is the author.
      expect(notifications).toHaveLength(article.authorId === user0.userId ? 0 : 1)
    })

    it('notifies the article author of a top-level comment, not the author commenting', async () => {
      const article = fresh.find((a) => a.authorId === user0.userId)
      if (!article) throw new Error('no fresh article by user0')
      fresh.splice(fresh.indexOf(article), 1)
      const user = await newUser(t.app)
      const notifications: Notification[] = []
      const unsubscribe = t.deps.notifications.subscribe((n) => notifications.push(n))
      const started = Math.floor(Date.now() / 1000)
      await post(t.app, user.auth, { target: String(article.id), content: 'hello' })
      await post(t.app, user0.auth, { target: String(article.id), content: 'mine' })
      unsubscribe()
      expect(notifications).toEqual([
        {
          event: 'comment notify',
          to: user0.userId,
          payload: {
            user_id: user.userId,
            user_name: expect.stringMatching(NEW_USER_NAME),
            user_photo: DEFAULT_PHOTO,
            art_id: article.id,
            art_title: article.title,
            timestamp: expect.any(Number),
          },
        },
      ])
      const timestamp = notifications[0]?.payload['timestamp'] as number
      expect(timestamp).toBeGreaterThanOrEqual(started)
      expect(timestamp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000))
    })

    it('keeps the counters equal to what the repair job computes', async () => {
      const article = nextFresh()
      const top = await post(t.app, user0.auth, { target: String(article.id), content: 'a' })
      const parentId = exactJson(top.body).data.com_id as bigint
      await post(t.app, user0.auth, { target: String(article.id), content: 'b' })
      for (const content of ['c', 'd']) {
        await post(t.app, user0.auth, {
          target: String(parentId),
          content,
          art_id: String(article.id),
        })
      }
      const read = () =>
        Promise.all([
          t.deps.counters.get(COUNTERS.articleComments, article.id),
          t.deps.counters.get(COUNTERS.commentReplies, parentId),
        ])
      const live = await read()
      expect(live).toEqual([4, 2])
      await repairCounters(t.deps)
      expect(await read()).toEqual(live)
    })

    it('answers every error with its message and never a 500', async () => {
      const article = nextFresh()
      const denied = await db
        .selectFrom('news_article_basic')
        .select('article_id')
        .where('allow_comment', '=', 0)
        .where('status', '=', 2)
        .executeTakeFirstOrThrow()
      const other = await db
        .selectFrom('news_comment')
        .select(['comment_id', 'article_id'])
        .where('parent_id', 'is', null)
        .executeTakeFirstOrThrow()
      const target = String(article.id)
      const auth = user0.auth
      const cases: [unknown, unknown][] = [
        [{ target, content: '' }, 'Empty content.'],
        [{ target, content: ' \n\t ' }, 'Empty content.'],
        [{ target, content: null }, 'Empty content.'],
        [{ target, content: 'x'.repeat(201) }, 'Content is too long.'],
        [{ target: '123', content: 'x' }, 'Invalid target article id.'],
        [{ target: '9223372036854775807', content: 'x' }, 'Invalid target article id.'],
        [{ target: '9999999999999999999', content: 'x' }, 'Invalid target article id.'],
        [{ target: String(denied.article_id), content: 'x' }, 'Article denied comment.'],
        [{ target: '123', content: 'x', art_id: target }, 'Invalid target comment id.'],
        [
          { target: String(other.comment_id), content: 'x', art_id: target },
          'Invalid target comment id.',
        ],
        [{ target: '123', content: 'x', art_id: '42' }, { art_id: 'Invalid target article id.' }],
        [{ target: '123', content: 'x', art_id: 'abc' }, { art_id: 'Invalid target article id.' }],
        [{ target: '123', content: 'x', art_id: -1 }, { art_id: 'Invalid target article id.' }],
        [{ target: '123', content: 'x', art_id: 0 }, { art_id: 'Invalid target article id.' }],
        [{ target: '123', content: 'x', art_id: {} }, { art_id: 'Invalid target article id.' }],
        [
          { target: '123', content: 'x', art_id: String(denied.article_id) },
          'Article denied comment.',
        ],
      ]
      for (const prefix of MOUNTS) {
        for (const [payload, message] of cases) {
          const response = await post(t.app, auth, payload, prefix)
          expect({ payload, status: response.statusCode, body: response.json() }).toEqual({
            payload,
            status: 400,
            body: { message },
          })
        }
      }
      const malformed: unknown[] = [
        { content: 'x' },
        { target },
        { target: 0, content: 'x' },
        { target: -5, content: 'x' },
        { target: 'abc', content: 'x' },
        { target: 1.5, content: 'x' },
        { target: [], content: 'x' },
        '[1,2]',
        'null',
        '{"target":',
        '"text"',
        `{"target":${target},"content":"x","__proto__":{"a":1}}`,
      ]
      for (const payload of malformed) {
        const response = await post(t.app, auth, payload)
        expect({ payload, status: response.statusCode }).toEqual({ payload, status: 400 })
      }
      expect(await page(t.app, `type=a&source=${article.id}`)).toMatchObject({ total_count: 0 })

      const ok = await post(t.app, auth, { target, content: '🙂'.repeat(200) })
      expect(ok.statusCode).toBe(201)
      const anonymous = await post(t.app, {}, { target, content: 'x' })
      expect(anonymous.statusCode).toBe(401)
      expect(anonymous.json()).toEqual({ message: 'User must be authorized.' })
      const refresh = await post(
        t.app,
        { authorization: `Bearer ${user0.refresh_token}` },
        {
          target,
          content: 'x',
        },
      )
      expect(refresh.statusCode).toBe(403)
      expect(refresh.json()).toEqual({ message: 'Do not use refresh token.' })
    })
  })

  describe.skipIf(!TEST_REDIS_URL)('on two nodes sharing the database and Redis', () => {
    let second: TestApp
    beforeAll(async () => {
      second = await buildTestApp({ shareWith: t })
    })
    afterAll(() => second?.close())

    /** Polls `reader` (for the invalidation bus) until the first comment is `id`. */
    async function firstComment(reader: FastifyInstance, query: string, id: bigint) {
      const deadline = Date.now() + 1000
      for (;;) {
        const data = await page(reader, query)
        if (data.results[0]?.com_id === id || Date.now() > deadline) return data
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    }

    it('shows a comment written on one node on the next read on the other', async () => {
      const article = nextFresh()
      const nodes = [t.app, second.app]
      for (const [writer, reader] of [nodes, [...nodes].reverse()] as FastifyInstance[][]) {
        const query = `type=a&source=${article.id}`
        const before = await page(reader as FastifyInstance, query)
        await page(writer as FastifyInstance, query)
        const response = await post(writer as FastifyInstance, user0.auth, {
          target: String(article.id),
          content: 'across nodes',
        })
        const created = exactJson(response.body).data
        const after = await firstComment(reader as FastifyInstance, query, created.com_id)
        expect(after.results[0]).toEqual(normalizeItem(created.new_obj))
        expect(after.total_count).toBe(before.total_count + 1)
      }
      const parentId = (await page(second.app, `type=a&source=${article.id}`)).results[0].com_id
      await page(second.app, `type=c&source=${parentId}`)
      const reply = await post(t.app, user0.auth, {
        target: String(parentId),
        content: 'reply across nodes',
        art_id: String(article.id),
      })
      const replyId = exactJson(reply.body).data.com_id as bigint
      const replies = await firstComment(second.app, `type=c&source=${parentId}`, replyId)
      expect(replies.results.map((item: any) => item.com_id)).toEqual([replyId])
    })
  })
})

describe.skipIf(!TEST_DATABASE_URL)('comments with a lagging read replica', () => {
  let replica: TestApp
  let t: TestApp
  beforeAll(async () => {
    replica = await buildTestApp()
    t = await buildTestApp({ env: { DATABASE_REPLICA_URLS: replica.databaseUrl ?? '' } })
  })
  afterAll(async () => {
    await t?.close()
    await replica?.close()
  })

  it('shows a new comment and a new reply on the next read', async () => {
    const [article] = await seededArticles(t.deps.db.write, false)
    if (!article) throw new Error('no article without comments')
    const { auth } = await login(t.app, '13911111111')
    const query = `type=a&source=${article.id}`
    expect((await page(t.app, query)).total_count).toBe(0)
    const top = exactJson(
      (await post(t.app, auth, { target: String(article.id), content: 'primary only' })).body,
    ).data
    const comments = await page(t.app, query)
    expect(comments.results).toEqual([normalizeItem(top.new_obj)])
    const reply = exactJson(
      (
        await post(t.app, auth, {
          target: String(top.com_id),
          content: 'reply',
          art_id: String(article.id),
        })
      ).body,
    ).data
    const replies = await page(t.app, `type=c&source=${top.com_id}`)
    expect(replies.results).toEqual([normalizeItem(reply.new_obj)])
  })
})
