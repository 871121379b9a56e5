import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { NOT_FOUND } from '../../errors.js'

const PREFIXES = ['', '/app']

const SEEDED = [
  {
    title: '新功能：搜索联想',
    content: '搜索时输入拼音或首字母即可获得联想词。',
    pubdate: '2026-06-01T08:00:00',
  },
  {
    title: '社区公约更新',
    content: '请文明发言，尊重原创。违规内容将被处理。',
    pubdate: '2026-03-15T10:30:00',
  },
  {
    title: '欢迎使用头条',
    content: '欢迎来到头条！在这里阅读技术资讯、关注作者、参与讨论。',
    pubdate: '2026-01-01T09:00:00',
  },
]

describe('announcements', () => {
  let t: TestApp
  let ids: number[]
  beforeAll(async () => {
    t = await buildTestApp()
    const rows = await t.deps.db.write
      .selectFrom('global_announcement')
      .select(['announcement_id', 'title'])
      .execute()
    ids = SEEDED.map(({ title }) =>
      Number(rows.find((row) => row.title === title)?.announcement_id),
    )
  })
  afterAll(() => t?.close())

  const summaries = () => SEEDED.map(({ title, pubdate }, i) => ({ id: ids[i], title, pubdate }))

  it('lists the published announcements newest first, 10 a page by default', async () => {
    for (const prefix of PREFIXES) {
      const response = await t.app.inject({ url: `${prefix}/v1_0/announcements` })
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(response.json()).toEqual({
        message: 'OK',
        data: { total_count: 3, page: 1, per_page: 10, results: summaries() },
      })
    }
  })

  it('pages with page and per_page 10..50', async () => {
    for (const [query, page, perPage, results] of [
      ['page=1&per_page=10', 1, 10, summaries()],
      ['per_page=50', 1, 50, summaries()],
      ['page=2', 2, 10, []],
      ['page=2&per_page=50', 2, 50, []],
      ['page=1000000', 1000000, 10, []],
    ] as const) {
      const response = await t.app.inject({ url: `/v1_0/announcements?${query}` })
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({
        message: 'OK',
        data: { total_count: 3, page, per_page: perPage, results },
      })
    }
  })

  it('refuses pages and page sizes out of range', async () => {
    for (const prefix of PREFIXES) {
      for (const [query, field] of [
        ['per_page=5', 'per_page'],
        ['per_page=9', 'per_page'],
        ['per_page=51', 'per_page'],
        ['per_page=abc', 'per_page'],
        ['per_page=10.5', 'per_page'],
        ['page=0', 'page'],
        ['page=-1', 'page'],
        ['page=abc', 'page'],
        ['page=1.5', 'page'],
      ]) {
        const response = await t.app.inject({ url: `${prefix}/v1_0/announcements?${query}` })
        expect({ query, status: response.statusCode }).toEqual({ query, status: 400 })
        expect(Object.keys(response.json().message)).toEqual([field])
      }
    }
  })

  it('shows one announcement with its content', async () => {
    for (const prefix of PREFIXES) {
      for (const [i, announcement] of SEEDED.entries()) {
        const response = await t.app.inject({ url: `${prefix}/v1_0/announcements/${ids[i]}` })
        expect(response.statusCode).toBe(200)
        expect(response.json()).toEqual({ message: 'OK', data: { id: ids[i], ...announcement } })
      }
    }
    const padded = await t.app.inject({ url: `/v1_0/announcements/000${ids[0]}` })
    expect(padded.json()).toEqual({ message: 'OK', data: { id: ids[0], ...SEEDED[0] } })
  })

  it('answers 400 for an unknown announcement and 404 for an id that is not digits', async () => {
    for (const prefix of PREFIXES) {
      for (const target of ['999', '2147483648', '99999999999999999999999999']) {
        const response = await t.app.inject({ url: `${prefix}/v1_0/announcements/${target}` })
        expect({ target, status: response.statusCode }).toEqual({ target, status: 400 })
        expect(response.json()).toEqual({ message: 'Invalid announcement.' })
      }
      for (const target of ['abc', '-1', '1.5', '1e3', '%20', '0', '000']) {
        const response = await t.app.inject({ url: `${prefix}/v1_0/announcements/${target}` })
        expect({ target, status: response.statusCode }).toEqual({ target, status: 404 })
        expect(response.json()).toEqual({ message: NOT_FOUND })
      }
    }
  })

  it('remembers a missing announcement: asking again runs no SQL', async () => {
    const url = '/v1_0/announcements/4242'
    const before = t.queries.length
    const first = await t.app.inject({ url })
    expect(first.statusCode).toBe(400)
    const afterFirst = t.queries.length
    expect(afterFirst).toBeGreaterThan(before)
    for (const prefix of PREFIXES) {
      const again = await t.app.inject({ url: `${prefix}${url}` })
      expect(again.statusCode).toBe(400)
      expect(again.json()).toEqual({ message: 'Invalid announcement.' })
    }
    expect(t.queries.slice(afterFirst)).toEqual([])
  })

  it('serves a shown announcement and the list again without SQL', async () => {
    await t.app.inject({ url: `/v1_0/announcements/${ids[1]}` })
    await t.app.inject({ url: '/v1_0/announcements' })
    const before = t.queries.length
    const detail = await t.app.inject({ url: `/app/v1_0/announcements/${ids[1]}` })
    expect(detail.json()).toEqual({ message: 'OK', data: { id: ids[1], ...SEEDED[1] } })
    const list = await t.app.inject({ url: '/app/v1_0/announcements?per_page=20' })
    expect(list.json().data.results).toEqual(summaries())
    expect(t.queries.slice(before)).toEqual([])
  })
})

describe('announcements that are not published', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t?.close())

  it('are neither listed nor shown, and ties in time go to the newer id', async () => {
    const db = t.deps.db.write
    const insert = (title: string, status: number, publish_time: string) =>
      db
        .insertInto('global_announcement')
        .values({ title, content: `${title} 正文`, status, publish_time })
        .executeTakeFirstOrThrow()
    await insert('草稿', 0, '2027-01-01 00:00:00')
    await insert('已作废', 2, '2027-01-02 00:00:00')
    await insert('同一时刻之一', 1, '2027-02-01 12:00:00')
    await insert('同一时刻之二', 1, '2027-02-01 12:00:00')
    const rows = await db
      .selectFrom('global_announcement')
      .select(['announcement_id', 'title'])
      .execute()
    const idOf = (title: string) => Number(rows.find((row) => row.title === title)?.announcement_id)

    const list = await t.app.inject({ url: '/v1_0/announcements' })
    expect(list.statusCode).toBe(200)
    const { total_count, results } = list.json().data
    expect(total_count).toBe(5)
    expect(results.map((r: { title: string }) => r.title)).toEqual([
      '同一时刻之二',
      '同一时刻之一',
      '新功能：搜索联想',
      '社区公约更新',
      '欢迎使用头条',
    ])
    expect(results[0]).toEqual({
      id: idOf('同一时刻之二'),
      title: '同一时刻之二',
      pubdate: '2027-02-01T12:00:00',
    })
    for (const title of ['草稿', '已作废']) {
      const response = await t.app.inject({ url: `/v1_0/announcements/${idOf(title)}` })
      expect(response.statusCode).toBe(400)
      expect(response.json()).toEqual({ message: 'Invalid announcement.' })
    }
  })
})
