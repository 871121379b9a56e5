import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { TEST_REDIS_URL } from '../../../test/env.js'
import {
  approvedArticles,
  approvedComments,
  articleCard,
  articleDetail,
  collections,
  expectRepairedAlike,
  newUser,
  send,
} from '../../../test/interactions.js'
import { COUNTERS } from '../../infra/store/counters.js'
import { likedCommentIds } from './comment-likings.cache.js'

// Two API nodes on one database and one Redis: a write on A must reach B's cache layers.
describe.skipIf(!TEST_REDIS_URL)('interactions across two nodes', () => {
  let a: TestApp
  let b: TestApp
  let articles: { id: bigint; author: bigint }[]
  beforeAll(async () => {
    a = await buildTestApp()
    b = await buildTestApp({ shareWith: a })
    articles = await approvedArticles(a, 10)
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  it('a like and a dislike written on A show on B', async () => {
    const user = await newUser(a.app)
    const article = articles[0]!
    const likes0 = (await articleCard(b.app, article)).like_count
    expect((await articleDetail(b.app, article.id, user.auth)).attitude).toBe(-1)
    const target = { target: article.id.toString() }
    expect((await send(a.app, 'POST', '/v1_0/article/likings', user.auth, target)).statusCode).toBe(
      201,
    )
    await vi.waitFor(async () => {
      const detail = await articleDetail(b.app, article.id, user.auth)
      expect(detail.attitude).toBe(1)
      expect((await articleCard(b.app, article)).like_count).toBe(likes0 + 1)
    })
    expect(
      (await send(a.app, 'POST', '/v1_0/article/dislikes', user.auth, target)).statusCode,
    ).toBe(201)
    await vi.waitFor(async () => {
      expect((await articleDetail(b.app, article.id, user.auth)).attitude).toBe(0)
    })
    const removed = await send(a.app, 'DELETE', `/v1_0/article/dislikes/${article.id}`, user.auth)
    expect(removed.statusCode).toBe(204)
    await vi.waitFor(async () => {
      expect((await articleDetail(b.app, article.id, user.auth)).attitude).toBe(-1)
    })
    await expectRepairedAlike(b, [
      [COUNTERS.articleLiking, article.id],
      [COUNTERS.articleDislike, article.id],
      [COUNTERS.userLiked, article.author],
    ])
  })

  it('a collection written on A shows in B’s list and detail, and so does its removal', async () => {
    const user = await newUser(a.app)
    const article = articles[1]!
    expect((await collections(b.app, user.auth)).total_count).toBe(0)
    expect((await articleDetail(b.app, article.id, user.auth)).is_collected).toBe(false)
    const target = { target: article.id.toString() }
    expect(
      (await send(a.app, 'POST', '/v1_0/article/collections', user.auth, target)).statusCode,
    ).toBe(201)
    await vi.waitFor(async () => {
      const list = await collections(b.app, user.auth)
      expect(list.results.map((card) => card.art_id)).toEqual([article.id])
      expect((await articleDetail(b.app, article.id, user.auth)).is_collected).toBe(true)
    })
    const removed = await send(
      a.app,
      'DELETE',
      `/v1_0/article/collections/${article.id}`,
      user.auth,
    )
    expect(removed.statusCode).toBe(204)
    await vi.waitFor(async () => {
      expect((await collections(b.app, user.auth)).total_count).toBe(0)
      expect((await articleDetail(b.app, article.id, user.auth)).is_collected).toBe(false)
    })
  })

  it('a comment like written on A shows in B’s liked set', async () => {
    const user = await newUser(a.app)
    const [comment] = (await approvedComments(a, 1)) as [bigint]
    expect(await likedCommentIds(b.deps, user.userId)).toEqual(new Set())
    const target = { target: comment.toString() }
    expect((await send(a.app, 'POST', '/v1_0/comment/likings', user.auth, target)).statusCode).toBe(
      201,
    )
    await vi.waitFor(async () => {
      expect(await likedCommentIds(b.deps, user.userId)).toEqual(new Set([comment.toString()]))
    })
    const removed = await send(a.app, 'DELETE', `/v1_0/comment/likings/${comment}`, user.auth)
    expect(removed.statusCode).toBe(204)
    await vi.waitFor(async () => {
      expect(await likedCommentIds(b.deps, user.userId)).toEqual(new Set())
    })
  })
})
