import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../../test/app.js'
import { send } from '../../../../test/inject.js'
import { exactJson } from '../../../../test/json.js'
import { superAdmin } from '../../../../test/mis.js'
import { feedIds, pendingArticle, searchIds } from '../../../../test/review.js'

describe('mis article review', () => {
  let t: TestApp
  let admin: Record<string, string>
  let viewers = 0
  const viewer = () => `1360000${String(++viewers).padStart(4, '0')}`
  beforeAll(async () => {
    t = await buildTestApp()
    t.deps.search.start()
    admin = (await superAdmin(t)).auth
    const word = await send(t.app, 'POST', '/mis/v1_0/sensitive_words', admin, {
      word: '违禁词',
      weights: 5,
    })
    expect(word.statusCode).toBe(201)
  })
  afterAll(() => t?.close())

  const review = (ids: bigint[], status: number, extra: Record<string, unknown> = {}) =>
    send(t.app, 'PUT', '/mis/v1_0/articles', admin, {
      article_ids: ids.map(String),
      status,
      ...extra,
    })
  const statusOf = async (id: bigint) =>
    exactJson((await send(t.app, 'GET', `/mis/v1_0/articles/${id}`, admin)).body).data
      .status as number

  it('lists pending articles with the sensitive words found at submission', async () => {
    const id = await pendingArticle(t, '含有违禁词的标题', '<p>正文也有违禁词。</p>')
    const response = await send(
      t.app,
      'GET',
      '/mis/v1_0/articles?status_list=1&title=违禁词',
      admin,
    )
    expect(response.statusCode).toBe(200)
    const { articles, total_count } = exactJson(response.body).data
    expect(total_count).toBe(1)
    expect(articles[0]).toMatchObject({
      article_id: id,
      title: '含有违禁词的标题',
      name: '黑马头条号',
      channel_name: '人工智能',
      status: 1,
      sensitive_words: ['违禁词'],
    })
    const words = await send(t.app, 'GET', '/mis/v1_0/sensitive_words?word=违禁', admin)
    expect(words.json().data.words[0]).toMatchObject({ word: '违禁词', weights: 5, hold_count: 1 })
    const bad = await send(t.app, 'GET', '/mis/v1_0/articles?status_list=1,x', admin)
    expect(bad.statusCode).toBe(403)
    expect(bad.json()).toEqual({ message: 'status_list parameter error.' })
  })

  it('approve puts an article in the feed, search and detail at once; ban takes it out; unban back', async () => {
    const title = '审核通过后立即可见的量子通信文章'
    const id = await pendingArticle(t, title)
    expect(await feedIds(t.app, viewer())).not.toContain(id)
    expect((await t.app.inject({ url: `/v1_0/articles/${id}` })).statusCode).toBe(404)

    const approved = await review([id], 2)
    expect(approved.statusCode).toBe(201)
    expect(approved.json()).toEqual({ message: 'OK' })
    expect(await statusOf(id)).toBe(2)
    expect((await t.app.inject({ url: `/v1_0/articles/${id}` })).statusCode).toBe(200)
    expect(await feedIds(t.app, viewer())).toContain(id)
    expect(await searchIds(t.app, '量子通信文章')).toContain(id)

    expect((await review([id], 5)).statusCode).toBe(201)
    expect((await t.app.inject({ url: `/v1_0/articles/${id}` })).statusCode).toBe(404)
    expect(await feedIds(t.app, viewer())).not.toContain(id)
    expect(await searchIds(t.app, '量子通信文章')).not.toContain(id)

    expect((await review([id], 6)).statusCode).toBe(201)
    expect(await statusOf(id)).toBe(2)
    expect(await searchIds(t.app, '量子通信文章')).toContain(id)

    expect((await review([id], 4)).statusCode).toBe(201)
    expect(await statusOf(id)).toBe(4)
    expect(await searchIds(t.app, '量子通信文章')).not.toContain(id)
  })

  it('a batch is all or nothing, with the original texts', async () => {
    const pending = await pendingArticle(t, '批量审核待审文章')
    const other = await pendingArticle(t, '批量审核已过文章')
    expect((await review([other], 2)).statusCode).toBe(201)
    const refused = await review([pending, other], 2)
    expect(refused.statusCode).toBe(403)
    expect(refused.json()).toEqual({
      message: '"批量审核已过文章" 文章不是待审核状态, 不能通过审核',
    })
    expect(await statusOf(pending)).toBe(1)
    const wrong = await review([pending], 1)
    expect(wrong.statusCode).toBe(403)
    expect(wrong.json()).toEqual({ message: '错误的状态操作' })

    const rejected = await review([pending], 3, { reject_reason: '标题不清楚' })
    expect(rejected.statusCode).toBe(201)
    const detail = exactJson(
      (await send(t.app, 'GET', `/mis/v1_0/articles/${pending}`, admin)).body,
    ).data
    expect(detail).toMatchObject({
      status: 3,
      reject_reason: '标题不清楚',
      content: '<p>审核流程的正文。</p>',
    })
    const cannotBan = await review([pending], 5)
    expect(cannotBan.json()).toEqual({ message: '"批量审核待审文章" 文章不是审核状态, 不能封禁' })

    const log = await send(t.app, 'GET', `/mis/v1_0/operationlogs?keyword=${pending}`, admin)
    const descriptions = log
      .json()
      .data.operationlogs.map((l: { description: string }) => l.description)
    expect(descriptions).toEqual([`文章驳回: ${pending}`])
  })
})
