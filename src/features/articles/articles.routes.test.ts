import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { exactJson } from '../../../test/json.js'
import { login } from '../../../test/login.js'
import { COUNTERS } from '../../infra/store/counters.js'

const now = () => Date.now() + 60_000

describe('feed, article detail and article lists', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const feedPage = async (query: string, headers: Record<string, string> = {}) => {
    const withTop = query.includes('with_top') ? query : `${query}&with_top=0`
    const response = await t.app.inject({ url: `/v1_1/articles?${withTop}`, headers })
    expect(response.statusCode).toBe(200)
    return exactJson(response.body).data as {
      pre_timestamp: number
      results: { art_id: bigint; is_top: number; ch_id: number; trace: Record<string, string> }[]
    }
  }

  it('scrolls a channel newest first with the timestamp cursor, without repeats, to an empty page', async () => {
    const seen = new Set<bigint>()
    let timestamp = now()
    let pages = 0
    for (;;) {
      const page = await feedPage(`channel_id=3&timestamp=${timestamp}`)
      if (page.results.length === 0) break
      for (const item of page.results) {
        expect(item.ch_id).toBe(3)
        expect(seen.has(item.art_id)).toBe(false)
        seen.add(item.art_id)
        expect(JSON.parse(item.trace['click'] as string)).toMatchObject({ action: 'click' })
      }
      expect(page.pre_timestamp).toBeLessThan(timestamp)
      timestamp = page.pre_timestamp
      pages += 1
    }
    expect(seen.size).toBe(27)
    expect(pages).toBe(3)
  })

  it('puts pinned articles first with with_top and never repeats them below', async () => {
    const page = await feedPage(`channel_id=1&timestamp=${now()}&with_top=1`)
    const pinned = page.results.filter((item) => item.is_top === 1)
    expect(pinned).toHaveLength(2)
    expect(page.results.slice(0, 2).every((item) => item.is_top === 1)).toBe(true)
    const ids = page.results.map((item) => item.art_id)
    expect(new Set(ids).size).toBe(ids.length)
    const plain = await feedPage(`channel_id=1&timestamp=${now()}&with_top=false`)
    expect(plain.results).toHaveLength(10)
  })

  it('accepts anonymous devices and refuses unknown channels and bad cursors', async () => {
    const page = await feedPage(`channel_id=0&timestamp=${now()}`, {
      authorization: 'Anony device-1',
    })
    expect(page.results).toHaveLength(10)
    expect(JSON.parse(page.results[0]!.trace['read'] as string).userId).toBe('device-1')
    for (const query of [
      'channel_id=99&timestamp=1',
      'channel_id=1&timestamp=abc',
      'channel_id=-1&timestamp=5',
      'timestamp=5',
    ]) {
      const response = await t.app.inject({ url: `/app/v1_1/articles?${query}` })
      expect(response.statusCode).toBe(400)
    }
  })

  it('pages a channel by number on /v1_0/articles with its pinned articles on page 1', async () => {
    const first = exactJson(
      (await t.app.inject({ url: '/v1_0/articles?channel_id=2&page=1&per_page=10' })).body,
    ).data
    expect(first.page).toBe(1)
    expect(first.results.slice(0, 2).map((a: { is_top: number }) => a.is_top)).toEqual([1, 1])
    const second = exactJson(
      (await t.app.inject({ url: '/v1_0/articles?channel_id=2&page=2&per_page=10' })).body,
    ).data
    expect(second.results).toHaveLength(10)
    for (const query of ['page=0', 'per_page=9', 'per_page=51']) {
      const bad = await t.app.inject({ url: `/v1_0/articles?channel_id=2&${query}` })
      expect({ query, status: bad.statusCode }).toEqual({ query, status: 400 })
    }
    const overlap = second.results.filter((a: { art_id: bigint }) =>
      first.results.some((b: { art_id: bigint }) => b.art_id === a.art_id),
    )
    expect(overlap).toHaveLength(0)
  })

  it('shows an article with its author, similar articles and the reader state, and records the read', async () => {
    const reader = await login(t.app, '13500000077')
    const [item] = (await feedPage(`channel_id=5&timestamp=${now()}`)).results
    const id = item!.art_id
    const readsBefore = await t.deps.counters.get(COUNTERS.articleReading, id)
    const anonymous = exactJson((await t.app.inject({ url: `/v1_0/articles/${id}` })).body).data
    expect(anonymous).toMatchObject({
      art_id: id,
      attitude: null,
      is_followed: false,
      is_collected: false,
    })
    expect(anonymous.content).toContain('<p>')
    expect(anonymous.recomments.length).toBeGreaterThan(0)
    expect(anonymous.recomments.every((r: { art_id: bigint }) => r.art_id !== id)).toBe(true)

    const response = await t.app.inject({
      url: `/app/v1_0/articles/${id}`,
      headers: { ...reader.auth, trace: '{"action":"click"}' },
    })
    expect(response.statusCode).toBe(200)
    const detail = exactJson(response.body).data
    expect(detail.attitude).toBe(-1)
    expect(detail).not.toHaveProperty('read_count')
    expect(await t.deps.counters.get(COUNTERS.articleReading, id)).toBe(readsBefore + 2)
    expect(
      await t.deps.counters.get(COUNTERS.userArticlesReading, detail.aut_id),
    ).toBeGreaterThanOrEqual(2)

    const next = await feedPage(`channel_id=5&timestamp=${now()}`, reader.auth)
    expect(next.results.map((a) => a.art_id)).not.toContain(id)
    // The trace log is written asynchronously: wait for the line to reach the file.
    const traceFile = path.join(t.dataDir, 'logs', 'trace.log')
    await vi.waitFor(() =>
      expect(fs.readFileSync(traceFile, 'utf8')).toContain('{\\"action\\":\\"click\\"}'),
    )
  })

  it('answers 404 for missing articles and for ids that are not numbers', async () => {
    const missing = await t.app.inject({ url: '/v1_0/articles/123456789' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toEqual({ message: 'The article does not exist.' })
    expect((await t.app.inject({ url: '/v1_0/articles/abc' })).statusCode).toBe(404)
    expect((await t.app.inject({ url: '/v1_0/articles/99999999999999999999' })).statusCode).toBe(
      404,
    )
  })

  it("lists an author's approved articles, and the logged-in user's own", async () => {
    const author = await login(t.app, '13911111111')
    const own = exactJson(
      (await t.app.inject({ url: '/v1_0/user/articles?per_page=20', headers: author.auth })).body,
    ).data
    expect(own.total_count).toBe(135)
    expect(own.results).toHaveLength(20)
    const theirs = exactJson(
      (await t.app.inject({ url: `/v1_0/users/${author.userId}/articles?page=7&per_page=20` }))
        .body,
    ).data
    expect(theirs).toMatchObject({ total_count: 135, page: 7, per_page: 20 })
    expect(theirs.results).toHaveLength(15)
    expect(
      theirs.results.every(
        (a: { aut_id: number; aut_photo: string }) =>
          BigInt(a.aut_id) === author.userId && a.aut_photo.startsWith('http'),
      ),
    ).toBe(true)
    const unknown = await t.app.inject({ url: '/v1_0/users/42/articles' })
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json()).toEqual({ message: 'Invalid request.' })
    expect((await t.app.inject({ url: '/v1_0/user/articles' })).statusCode).toBe(401)
  })

  it('logs reading durations reported with a Trace header', async () => {
    const report = (headers: Record<string, string>, payload: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/v1_0/reading/durations',
        headers,
        payload: payload as object,
      })
    const [item] = (await feedPage(`channel_id=1&timestamp=${now()}`)).results
    const ok = await report(
      { trace: '{"action":"read"}' },
      { duration: 12, art_id: item!.art_id.toString() },
    )
    expect(ok.statusCode).toBe(201)
    expect(ok.json()).toEqual({ message: 'OK' })
    expect((await report({}, { duration: 12, art_id: 1 })).statusCode).toBe(400)
    expect((await report({ trace: 'x' }, { duration: -1, art_id: 1 })).statusCode).toBe(400)
    const unknown = await report({ trace: 'x' }, { duration: 1, art_id: '123456789' })
    expect(unknown.json()).toEqual({ message: { art_id: 'Invalid target article id.' } })
  })

  it('answers 400, not 500, to a timestamp beyond the last time a date can hold', async () => {
    const { auth } = await login(t.app, '13700000031')
    for (const prefix of ['', '/app']) {
      for (const url of [
        '/v1_1/articles?channel_id=1&timestamp=8640000000000001&with_top=0',
        '/v1_0/articles?channel_id=1&timestamp=8640000000000001',
        '/v1_1/articles?channel_id=1&timestamp=99999999999999999999&with_top=0',
      ]) {
        for (const headers of [{}, auth]) {
          const response = await t.app.inject({ url: `${prefix}${url}`, headers })
          expect(response.statusCode, `${prefix}${url}`).toBe(400)
          expect(response.json(), `${prefix}${url}`).toEqual({ message: 'timestamp param error' })
        }
      }
    }
    const latest = await t.app.inject({
      url: '/v1_1/articles?channel_id=1&timestamp=8640000000000000&with_top=0',
    })
    expect(latest.statusCode).toBe(200)
  })
})
