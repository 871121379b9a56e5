import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { send } from '../../../test/inject.js'
import { exactJson } from '../../../test/json.js'
import { login } from '../../../test/login.js'
import { mpLogin } from '../../../test/mp.js'
import { COUNTERS } from '../../infra/store/counters.js'

describe('mp comment moderation', () => {
  let t: TestApp
  let author: Awaited<ReturnType<typeof mpLogin>>
  let reader: Awaited<ReturnType<typeof login>>
  let article: bigint
  beforeAll(async () => {
    t = await buildTestApp()
    author = await mpLogin(t.app)
    reader = await login(t.app, '13500000601')
    const row = await t.deps.db.write
      .selectFrom('news_article_basic')
      .select('article_id')
      .where('user_id', '=', author.userId.toString())
      .where('status', '=', 2)
      .orderBy('article_id', 'desc')
      .executeTakeFirstOrThrow()
    article = BigInt(row.article_id)
  })
  afterAll(() => t.close())

  const appComments = async (query: string) =>
    exactJson((await t.app.inject({ url: `/v1_0/comments?${query}` })).body).data as {
      total_count: number
      results: { com_id: bigint; is_top: number; content: string }[]
    }
  const comment = async (content: string, target = article, artId?: bigint) => {
    const body: Record<string, string> = { target: target.toString(), content }
    if (artId) body['art_id'] = artId.toString()
    const reply = await send(t.app, 'POST', '/v1_0/comments', reader.auth, body)
    expect(reply.statusCode).toBe(201)
    return exactJson(reply.body).data.com_id as bigint
  }
  const switchComments = (id: bigint, allow: boolean, who = author.auth) =>
    send(t.app, 'PUT', `/mp/v1_0/comments/status?article_id=${id}`, who, { allow_comment: allow })

  it('switches comments off and on for an own approved article; the app follows at once', async () => {
    await appComments(`type=a&source=${article}`)
    const off = await switchComments(article, false)
    expect([off.statusCode, exactJson(off.body).data]).toEqual([
      201,
      { article_id: article, allow_comment: false },
    ])
    const refused = await send(t.app, 'POST', '/v1_0/comments', reader.auth, {
      target: article.toString(),
      content: '关了还能评论吗',
    })
    expect([refused.statusCode, refused.json()]).toEqual([
      400,
      { message: 'Article denied comment.' },
    ])
    const list = exactJson(
      (await send(t.app, 'GET', '/mp/v1_0/articles?response_type=comment&per_page=50', author.auth))
        .body,
    ).data.results.find((a: { id: bigint }) => a.id === article)
    expect(list.comment_status).toBe(false)
    expect((await switchComments(article, true)).statusCode).toBe(201)
    await comment('又可以评论了')

    const other = await mpLogin(t.app, '13611111111')
    const notOwner = await switchComments(article, false, other.auth)
    expect([notOwner.statusCode, notOwner.json()]).toEqual([
      400,
      { message: 'Invalid article status.' },
    ])
    const draft = await send(t.app, 'POST', '/mp/v1_0/articles?draft=true', author.auth, {
      title: '还没有通过审核的草稿',
      content: '<p>草稿</p>',
      cover: { type: 0, images: [] },
      channel_id: 1,
    })
    const draftId = exactJson(draft.body).data.id as bigint
    expect((await switchComments(draftId, false)).json()).toEqual({
      message: 'Invalid article status.',
    })
  })

  it('deletes comments and replies with counts and lists right, once', async () => {
    const top = await comment('会被删除的评论')
    const kept = await comment('留下的评论')
    const reply = await comment('会被删除的回复', kept, article)
    const count = () => t.deps.counters.get(COUNTERS.articleComments, article)
    const replies = () => t.deps.counters.get(COUNTERS.commentReplies, kept)
    const [comments0, replies0] = [await count(), await replies()]
    const before = await appComments(`type=a&source=${article}&limit=50`)
    expect(before.results.map((c) => c.com_id)).toContain(top)
    expect((await appComments(`type=c&source=${kept}`)).results.map((c) => c.com_id)).toEqual([
      reply,
    ])

    const other = await mpLogin(t.app, '13611111111')
    const denied = await send(t.app, 'DELETE', `/mp/v1_0/comments/${top}`, other.auth)
    expect([denied.statusCode, denied.json()]).toEqual([
      403,
      { message: 'User has no permission to delete this comment.' },
    ])
    for (let i = 0; i < 2; i++) {
      const deleted = await send(t.app, 'DELETE', `/mp/v1_0/comments/${top}`, author.auth)
      expect([deleted.statusCode, deleted.body]).toEqual([204, ''])
    }
    expect(await count()).toBe(comments0 - 1)
    const after = await appComments(`type=a&source=${article}&limit=50`)
    expect(after.results.map((c) => c.com_id)).not.toContain(top)
    expect(after.total_count).toBe(before.total_count - 1)

    await send(t.app, 'DELETE', `/mp/v1_0/comments/${reply}`, author.auth)
    expect(await count()).toBe(comments0 - 2)
    expect(await replies()).toBe(replies0 - 1)
    expect((await appComments(`type=c&source=${kept}`)).results).toEqual([])
    const status = await t.deps.db.write
      .selectFrom('news_comment')
      .select('status')
      .where('comment_id', 'in', [top.toString(), reply.toString()])
      .execute()
    expect(status.map((s) => Number(s.status))).toEqual([3, 3])
  })

  it('pins comments, replies as the author and likes comments; lists as the app does', async () => {
    const older = await comment('较早的评论，将被置顶')
    await comment('较新的评论')
    const pin = await send(t.app, 'PUT', `/mp/v1_0/comments/${older}/sticky`, author.auth, {
      sticky: true,
    })
    expect([pin.statusCode, exactJson(pin.body).data]).toEqual([
      200,
      { target: older, sticky: true },
    ])
    const first = (await appComments(`type=a&source=${article}`)).results[0]
    expect([first?.com_id, first?.is_top]).toEqual([older, 1])

    const mpList = exactJson(
      (await send(t.app, 'GET', `/mp/v1_0/comments?type=a&source=${article}`, author.auth)).body,
    ).data
    expect(mpList).toMatchObject({ art_id: article })
    expect(typeof mpList.art_title).toBe('string')
    expect(mpList.results[0].com_id).toBe(older)
    const badType = await send(t.app, 'GET', `/mp/v1_0/comments?type=x&source=1`, author.auth)
    expect(badType.json()).toEqual({ message: { type: 'Invalid type param.' } })

    const answered = await send(t.app, 'POST', '/mp/v1_0/comments', author.auth, {
      target: older.toString(),
      content: '作者的回复',
      art_id: article.toString(),
    })
    expect(answered.statusCode).toBe(201)
    const created = exactJson(answered.body).data
    expect(Object.keys(created).sort()).toEqual(['art_id', 'com_id', 'target'])
    expect((await appComments(`type=c&source=${older}`)).results[0]?.content).toBe('作者的回复')

    const liked = await send(t.app, 'POST', '/mp/v1_0/comment/likings', author.auth, {
      target: older.toString(),
    })
    expect([liked.statusCode, exactJson(liked.body).data]).toEqual([201, { target: older }])
    expect(await t.deps.counters.get(COUNTERS.commentLiking, older)).toBe(1)
    const unliked = await send(t.app, 'DELETE', `/mp/v1_0/comment/likings/${older}`, author.auth)
    expect(unliked.statusCode).toBe(204)
    expect(await t.deps.counters.get(COUNTERS.commentLiking, older)).toBe(0)

    await switchComments(article, false)
    const closed = await send(t.app, 'POST', '/mp/v1_0/comments', author.auth, {
      target: older.toString(),
      content: '关闭后回复',
      art_id: article.toString(),
    })
    expect([closed.statusCode, closed.json()]).toEqual([
      403,
      { message: 'Article denied comment.' },
    ])
    await switchComments(article, true)
  })
})
