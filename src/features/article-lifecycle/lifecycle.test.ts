import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { TEST_REDIS_URL } from '../../../test/env.js'
import { exactJson } from '../../../test/json.js'
import { login } from '../../../test/login.js'
import { toInt } from '../../infra/db/values.js'
import { COUNTERS } from '../../infra/store/counters.js'
import {
  ARTICLE_STATUS,
  createArticle,
  deleteOwnArticle,
  reviewActionOf,
  reviewArticles,
  sensitiveHits,
  updateArticle,
  type ArticleInput,
} from './index.js'

const CHANNEL = 13

describe('article lifecycle', () => {
  let t: TestApp
  let author: bigint
  beforeAll(async () => {
    t = await buildTestApp()
    author = (await login(t.app, '13911111111')).userId
  })
  afterAll(() => t.close())

  const input = (over: Partial<ArticleInput> = {}): ArticleInput => ({
    title: '生命周期测试文章标题',
    content: '<p>量子纠缠通信实验的第一段。</p>',
    cover: { type: 0, images: [] },
    channelId: CHANNEL,
    draft: false,
    ...over,
  })
  const status = async (id: bigint) =>
    toInt(
      (
        await t.deps.db.write
          .selectFrom('news_article_basic')
          .select('status')
          .where('article_id', '=', id.toString())
          .executeTakeFirstOrThrow()
      ).status,
    )
  const detail = (id: bigint) => t.app.inject({ url: `/v1_0/articles/${id}` })
  const ownList = async () =>
    exactJson((await t.app.inject({ url: `/v1_0/users/${author}/articles?per_page=50` })).body)
      .data as { total_count: number; results: { art_id: bigint }[] }
  const searchIds = async (q: string) =>
    (
      exactJson((await t.app.inject({ url: `/v1_0/search?q=${encodeURIComponent(q)}` })).body)
        .data as { results: { art_id: bigint }[] }
    ).results.map((r) => r.art_id)
  const candidates = async (viewer: bigint) =>
    (
      await t.deps.recommender.userRecommend({
        viewer: viewer.toString(),
        userId: viewer,
        channelId: CHANNEL,
        count: 50,
        timestamp: Date.now(),
      })
    ).items.map((item) => item.articleId)
  const artCount = () => t.deps.counters.get(COUNTERS.userArticles, author)

  it('creates drafts and submissions, approves them into the app, search, feed and counts', async () => {
    const draft = await createArticle(t.deps, author, input({ draft: true }))
    expect(await status(draft)).toBe(ARTICLE_STATUS.draft)
    const id = await createArticle(t.deps, author, input({ title: '量子纠缠通信的新进展' }))
    expect(await status(id)).toBe(ARTICLE_STATUS.unreviewed)

    // Warm every reader of the article while it is pending: caches, feed pool, list.
    expect((await detail(id)).statusCode).toBe(404)
    const listBefore = await ownList()
    const reader = (await login(t.app, '13500000301')).userId
    expect(await candidates(reader)).not.toContain(id)
    const countBefore = await artCount()

    const changes = await reviewArticles(t.deps, [id], 'approve', { reviewerId: 7n })
    expect(changes).toEqual([
      { id, authorId: author, channelId: CHANNEL, from: ARTICLE_STATUS.unreviewed, to: 2 },
    ])
    expect((await detail(id)).statusCode).toBe(200)
    expect((await ownList()).total_count).toBe(listBefore.total_count + 1)
    expect((await ownList()).results[0]?.art_id).toBe(id)
    expect(await artCount()).toBe(countBefore + 1)
    expect(await searchIds('量子纠缠通信')).toContain(id)
    const other = (await login(t.app, '13500000302')).userId
    expect(await candidates(other)).toContain(id)
    const row = await t.deps.db.write
      .selectFrom('news_article_basic')
      .select(['reviewer_id', 'review_time'])
      .where('article_id', '=', id.toString())
      .executeTakeFirstOrThrow()
    expect(String(row.reviewer_id)).toBe('7')
    expect(row.review_time).not.toBeNull()

    // Banned: gone from the app at once, counted out, out of search and the feed.
    await reviewArticles(t.deps, [id], 'ban')
    expect((await detail(id)).statusCode).toBe(404)
    expect((await ownList()).total_count).toBe(listBefore.total_count)
    expect(await artCount()).toBe(countBefore)
    expect(await searchIds('量子纠缠通信')).not.toContain(id)
    expect(await candidates((await login(t.app, '13500000303')).userId)).not.toContain(id)

    await reviewArticles(t.deps, [id], 'unban')
    expect((await detail(id)).statusCode).toBe(200)
    expect(await artCount()).toBe(countBefore + 1)

    // Edited by its author: back to review, out of the app until approved again.
    await updateArticle(t.deps, author, id, input({ title: '量子纠缠通信的新进展（修订）' }))
    expect(await status(id)).toBe(ARTICLE_STATUS.unreviewed)
    expect((await detail(id)).statusCode).toBe(404)
    expect(await artCount()).toBe(countBefore)
    expect(await searchIds('量子纠缠通信')).not.toContain(id)
  })

  it('refuses a whole batch when one article is in the wrong state, and changes nothing', async () => {
    const pending = await createArticle(t.deps, author, input())
    const approved = await createArticle(t.deps, author, input({ title: '已经通过审核的文章' }))
    await reviewArticles(t.deps, [approved], 'approve')
    const before = await artCount()

    for (const [action, message] of [
      ['approve', '"已经通过审核的文章" 文章不是待审核状态, 不能通过审核'],
      ['reject', '"已经通过审核的文章" 文章不是待审核状态, 不能驳回'],
    ] as const) {
      await expect(reviewArticles(t.deps, [pending, approved], action)).rejects.toMatchObject({
        status: 403,
        body: message,
      })
    }
    await expect(reviewArticles(t.deps, [approved, pending], 'ban')).rejects.toMatchObject({
      status: 403,
      body: '"生命周期测试文章标题" 文章不是审核状态, 不能封禁',
    })
    await expect(reviewArticles(t.deps, [approved], 'unban')).rejects.toMatchObject({
      body: '"已经通过审核的文章" 文章不是封禁状态, 不能解封',
    })
    expect([await status(pending), await status(approved)]).toEqual([1, 2])
    expect(await artCount()).toBe(before)
    expect(() => reviewActionOf(1)).toThrow('错误的状态操作')
    expect(reviewActionOf(6)).toBe('unban')

    // Unknown ids are skipped; a reject keeps its reason (or the original's default).
    const second = await createArticle(t.deps, author, input())
    const rejected = await reviewArticles(t.deps, [pending, 999n, second], 'reject', {
      reason: '标题夸张',
    })
    expect(rejected.map((c) => c.id)).toEqual([pending, second])
    const third = await createArticle(t.deps, author, input())
    await reviewArticles(t.deps, [third], 'reject')
    const reasons = await t.deps.db.write
      .selectFrom('news_article_basic')
      .select('reject_reason')
      .where('article_id', 'in', [pending.toString(), third.toString()])
      .orderBy('article_id')
      .execute()
    expect(reasons.map((r) => r.reject_reason)).toEqual(['标题夸张', '系统审核'])

    // Deleting works from any state, approved included, and counts the approved one out.
    const deleted = await reviewArticles(t.deps, [approved, pending, approved], 'delete')
    expect(deleted.map((c) => c.to)).toEqual([4, 4])
    expect(await artCount()).toBe(before - 1)
    expect(await reviewArticles(t.deps, [approved], 'delete')).toEqual([])
  })

  it('lets authors delete only their own drafts, pending and rejected articles', async () => {
    const draft = await createArticle(t.deps, author, input({ draft: true }))
    const approved = await createArticle(t.deps, author, input())
    await reviewArticles(t.deps, [approved], 'approve')
    const stranger = (await login(t.app, '13500000304')).userId
    await expect(deleteOwnArticle(t.deps, stranger, draft)).rejects.toMatchObject({
      status: 400,
      body: 'Invalid article.',
    })
    await expect(deleteOwnArticle(t.deps, author, approved)).rejects.toMatchObject({ status: 400 })
    await expect(updateArticle(t.deps, stranger, draft, input())).rejects.toMatchObject({
      status: 400,
    })
    await deleteOwnArticle(t.deps, author, draft)
    expect(await status(draft)).toBe(ARTICLE_STATUS.deleted)
    await expect(updateArticle(t.deps, author, draft, input())).rejects.toMatchObject({
      body: 'Invalid article.',
    })
  })

  it('sanitises the HTML it stores and checks channel and cover', async () => {
    const id = await createArticle(
      t.deps,
      author,
      input({
        content:
          '<h2 onclick="x()">小标题</h2><script>alert(1)</script><p style="color:red">正文<a href="javascript:alert(1)">链接</a>' +
          '<a href="https://example.com" target="_blank">外链</a></p><img src="x" onerror="alert(1)">' +
          '<iframe src="https://evil.example"></iframe><table><tr><td>格</td></tr></table><pre><code class="language-js">let a</code></pre>',
      }),
    )
    await reviewArticles(t.deps, [id], 'approve')
    const content = exactJson((await detail(id)).body).data.content as string
    expect(content).toBe(
      '<h2>小标题</h2><p>正文<a>链接</a><a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">外链</a></p>' +
        '<img src="x" /><table><tr><td>格</td></tr></table><pre><code class="language-js">let a</code></pre>',
    )
    await expect(createArticle(t.deps, author, input({ channelId: 999 }))).rejects.toMatchObject({
      status: 400,
      body: { channel_id: 'Invalid channel id.' },
    })
    for (const cover of [
      { type: 2, images: [] },
      { type: 1, images: [] },
      { type: 1, images: ['https://elsewhere.example/a.png'] },
    ]) {
      await expect(createArticle(t.deps, author, input({ cover }))).rejects.toMatchObject({
        status: 400,
        body: { cover: 'Invalid cover param.' },
      })
    }
    await expect(
      createArticle(t.deps, author, input({ content: '<script>alert(1)</script>' })),
    ).rejects.toMatchObject({ status: 400 })
  })

  it('records sensitive words found on submit, never on a draft', async () => {
    await t.deps.db.write
      .insertInto('recommend_sensitive_word')
      .values([
        { word: '赌博', weights: 1 },
        { word: 'Casino', weights: 1 },
      ])
      .execute()
    const id = await createArticle(
      t.deps,
      author,
      input({ title: '远离赌博的一天', content: '<p>赌博有害，CASINO 也是。赌<b>博</b></p>' }),
    )
    expect((await sensitiveHits(t.deps, [id])).get(id)).toEqual([
      { word: '赌博', hits: 2 },
      { word: 'Casino', hits: 1 },
    ])
    const holds = await t.deps.db.write
      .selectFrom('recommend_sensitive_word')
      .select(['word', 'hold_count'])
      .orderBy('word')
      .execute()
    expect(holds.map((w) => [w.word, toInt(w.hold_count)])).toEqual([
      ['Casino', 1],
      ['赌博', 1],
    ])
    await updateArticle(t.deps, author, id, input({ title: '远离赌博的一天', draft: true }))
    expect((await sensitiveHits(t.deps, [id])).has(id)).toBe(false)
  })
})

// Two API nodes on one database and one Redis: a change made on A reaches B's caches.
describe.skipIf(!TEST_REDIS_URL)('article lifecycle across two nodes', () => {
  let a: TestApp
  let b: TestApp
  beforeAll(async () => {
    a = await buildTestApp()
    b = await buildTestApp({ shareWith: a })
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  it('a ban on A hides the article on B, and an unban shows it again', async () => {
    const row = await a.deps.db.write
      .selectFrom('news_article_basic')
      .select('article_id')
      .where('status', '=', 2)
      .executeTakeFirstOrThrow()
    const id = BigInt(row.article_id)
    const onB = () => b.app.inject({ url: `/v1_0/articles/${id}` })
    expect((await onB()).statusCode).toBe(200)
    await reviewArticles(a.deps, [id], 'ban')
    await vi.waitFor(async () => expect((await onB()).statusCode).toBe(404))
    await reviewArticles(a.deps, [id], 'unban')
    await vi.waitFor(async () => expect((await onB()).statusCode).toBe(200))
  })
})
