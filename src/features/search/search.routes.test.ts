import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { exactJson } from '../../../test/json.js'
import { login } from '../../../test/login.js'
import { buildApp } from '../../app.js'
import { sqlDateTime } from '../../infra/db/values.js'
import { SearchUnavailableError, type SearchEngine } from '../../infra/search/search-engine.js'
import { reviewArticles } from '../article-lifecycle/index.js'
import { SEARCH_UNAVAILABLE } from './search.service.js'

const MOUNTS = ['', '/app']

interface Card {
  art_id: bigint
  title: string
  aut_id: bigint
  aut_name: string
  aut_photo: string
}

describe('search, suggestions and search history', () => {
  let t: TestApp

  beforeAll(async () => {
    t = await buildTestApp()
    // The embedded index builds on first use; a slow machine may need more than one wait.
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
      const ready = await t.deps.search.search('缓存', { page: 1, perPage: 10 }).then(
        () => true,
        () => false,
      )
      if (ready) break
    }
  })
  afterAll(() => t?.close())

  const get = async (url: string, headers: Record<string, string> = {}) => {
    const response = await t.app.inject({ url, headers })
    return { status: response.statusCode, body: response.body ? exactJson(response.body) : null }
  }
  const search = async (q: string, extra = '', headers: Record<string, string> = {}) => {
    const reply = await get(`/v1_0/search?q=${encodeURIComponent(q)}${extra}`, headers)
    expect(reply.status).toBe(200)
    return reply.body.data as {
      total_count: number
      page: number
      per_page: number
      results: Card[]
    }
  }
  const suggest = async (q: string, mount = '') => {
    const reply = await get(`${mount}/v1_0/suggestion?q=${encodeURIComponent(q)}`)
    expect(reply.status).toBe(200)
    const options = reply.body.data.options as string[]
    expect(new Set(options).size).toBe(options.length)
    for (const option of options) expect(typeof option).toBe('string')
    return options
  }
  /** Approved demo articles whose title or body contains any of the words. */
  const containing = async (words: string[]) => {
    const rows = await t.deps.db.write
      .selectFrom('news_article_basic as a')
      .innerJoin('news_article_content as c', 'c.article_id', 'a.article_id')
      .select(['a.article_id', 'a.title', 'c.content'])
      .where('a.status', '=', 2)
      .execute()
    return rows.filter((row) => words.some((w) => row.title.includes(w) || row.content.includes(w)))
  }

  it('finds every article holding a word of a two-word query, best title matches first', async () => {
    const words = ['缓存', '架构']
    const expected = await containing(words)
    const page = await search('缓存架构', '&per_page=50')
    expect(page.total_count).toBe(expected.length)
    expect(page).toMatchObject({ page: 1, per_page: 50 })
    expect(page.results).toHaveLength(50)
    const inTitle = (card: Card) => words.filter((w) => card.title.includes(w)).length
    const ranks = page.results.map(inTitle)
    expect(ranks[0]).toBe(2)
    // Titles with both words come before titles with one, which come before titles with none.
    const firstWithOne = ranks.indexOf(1)
    const lastWithBoth = ranks.lastIndexOf(2)
    expect(firstWithOne).toBeGreaterThan(lastWithBoth)
    const firstWithNone = ranks.indexOf(0)
    if (firstWithNone >= 0) expect(firstWithNone).toBeGreaterThan(ranks.lastIndexOf(1))
    const bothInTitle = expected.filter((row) => words.every((w) => row.title.includes(w)))
    expect(ranks.filter((rank) => rank === 2)).toHaveLength(Math.min(50, bothInTitle.length))
  })

  it('pages without repeats and carries the cards real clients read (aut_photo, exact ids)', async () => {
    const first = await search('性能 优化', '&page=1&per_page=10')
    const second = await search('性能 优化', '&page=2&per_page=10')
    expect(second.total_count).toBe(first.total_count)
    expect(first.total_count).toBeGreaterThan(20)
    const ids = [...first.results, ...second.results].map((card) => card.art_id)
    expect(new Set(ids).size).toBe(20)
    for (const card of first.results) {
      expect(typeof card.art_id).toBe('bigint')
      expect(card.art_id > 2n ** 53n).toBe(true)
      expect(card.aut_photo).toMatch(/^http:\/\/headline\.test\//)
      expect(card.aut_name).not.toBe('')
    }
    const beyond = await search('性能 优化', '&page=1000&per_page=50')
    expect(beyond).toMatchObject({ total_count: first.total_count, results: [] })
  })

  it('answers an empty page for words that are in no article, or only function words', async () => {
    expect(await search('区块链量子纠缠薛定谔')).toMatchObject({ total_count: 0, results: [] })
    expect(await search('的了')).toMatchObject({ total_count: 0, results: [] })
  })

  it('validates q (1–50 characters), page and per_page on both mounts', async () => {
    for (const mount of MOUNTS) {
      for (const query of [
        '',
        'q=',
        `q=${'字'.repeat(51)}`,
        'q=a&per_page=9',
        'q=a&per_page=51',
        'q=a&page=0',
      ]) {
        const reply = await get(`${mount}/v1_0/search?${encodeURI(query)}`)
        expect(reply.status).toBe(400)
        expect(typeof reply.body.message).toBe('object')
      }
      expect(
        (await get(`${mount}/v1_0/search?q=${encodeURIComponent('字'.repeat(50))}`)).status,
      ).toBe(200)
      expect((await get(`${mount}/v1_0/suggestion`)).status).toBe(400)
      expect(
        (await get(`${mount}/v1_0/suggestion?q=${encodeURIComponent('字'.repeat(51))}`)).status,
      ).toBe(400)
    }
    const missing = await get('/v1_0/search')
    expect(missing.body).toEqual({ message: { q: expect.any(String) } })
  })

  it('completes prefixes with terms and titles, by text and by pinyin or initials', async () => {
    for (const mount of MOUNTS) {
      const options = await suggest('机器', mount)
      expect(options[0]).toBe('机器学习')
      expect(options.slice(1).every((o) => o.startsWith('机器'))).toBe(true)
    }
    expect(await suggest('jqxx')).toContain('机器学习')
    expect((await suggest('jiqixue'))[0]).toBe('机器学习')
    expect(await suggest('shendu')).toContain('深度学习')
    const vue = await suggest('vue')
    expect(vue[0]).toBe('Vue 3')
    expect(vue.filter((o) => o.startsWith('Vue 3')).length).toBeGreaterThan(2)
  })

  it('corrects typos when nothing completes: homophones and near spellings', async () => {
    expect((await suggest('机器雪习'))[0]).toBe('机器学习')
    expect((await suggest('Reids 缓存'))[0]).toBe('Redis 缓存')
    expect(await suggest('完全无关的词语组合')).toEqual([])
  })

  it('follows the data: an article indexed when approved, suggested by pinyin and typo, gone when banned', async () => {
    const TITLE = '人工智能助教上线记'
    const author = (
      await t.deps.db.write.selectFrom('user_basic').select('user_id').executeTakeFirstOrThrow()
    ).user_id
    const id = t.deps.ids.nextId()
    const now = sqlDateTime()
    await t.deps.db.write
      .insertInto('news_article_basic')
      .values({
        article_id: id.toString(),
        user_id: String(author),
        channel_id: 13,
        title: TITLE,
        cover: JSON.stringify({ type: 0, images: [] }),
        status: 1,
        create_time: now,
        update_time: now,
      })
      .execute()
    await t.deps.db.write
      .insertInto('news_article_content')
      .values({ article_id: id.toString(), content: '<p>人工智能正在改变软件开发。</p>' })
      .execute()
    // 人工智能 also matches its parts (智能合约…), but not this article while it is pending.
    const before = await search('人工智能', '&per_page=50')
    expect(before.results.map((card) => card.art_id)).not.toContain(id)

    await reviewArticles(t.deps, [id], 'approve')
    const found = await search('人工智能')
    expect(found.results[0]?.art_id).toBe(id)
    expect(found.total_count).toBe(before.total_count + 1)
    expect(await suggest('rengong')).toContain('人工智能')
    expect(await suggest('rgzn')).toContain('人工智能')
    expect((await suggest('人工只能'))[0]).toBe('人工智能')
    expect(await suggest('人工智能助')).toContain(TITLE)

    await reviewArticles(t.deps, [id], 'ban')
    const after = await search('人工智能', '&per_page=50')
    expect(after.total_count).toBe(before.total_count)
    expect(after.results.map((card) => card.art_id)).not.toContain(id)
    expect(await suggest('人工智能助')).not.toContain(TITLE)
  })

  it('keeps the newest 4 keywords of page-1 searches by logged-in users, and clears them', async () => {
    const user = await login(t.app, '13811111111')
    const histories = async () => {
      const reply = await get('/v1_0/search/histories', user.auth)
      expect(reply.status).toBe(200)
      return reply.body.data.keywords as string[]
    }
    await t.app.inject({ method: 'DELETE', url: '/v1_0/search/histories', headers: user.auth })
    for (const [i, q] of ['Redis', '缓存', 'Go 泛型', '算法', '  微服务  '].entries()) {
      await search(q, '', user.auth)
      // Scores are seconds with a fraction; keep the order unambiguous.
      await new Promise((resolve) => setTimeout(resolve, 5 + i))
    }
    await search('第二页不记', '&page=2', user.auth)
    await search('匿名不记')
    expect(await histories()).toEqual(['微服务', '算法', 'Go 泛型', '缓存'])
    const stored = await t.deps.sortedSets.rangeDesc(`user:${user.userId}:his:searching`, 0, -1)
    expect(stored.map((m) => m.member)).toEqual(['微服务', '算法', 'Go 泛型', '缓存'])

    await search('缓存', '', user.auth)
    expect(await histories()).toEqual(['缓存', '微服务', '算法', 'Go 泛型'])

    for (const mount of MOUNTS) {
      const cleared = await t.app.inject({
        method: 'DELETE',
        url: `${mount}/v1_0/search/histories`,
        headers: user.auth,
      })
      expect(cleared.statusCode).toBe(204)
      expect(cleared.body).toBe('')
      expect(await histories()).toEqual([])
    }
    expect((await get('/v1_0/search/histories')).status).toBe(401)
    expect(
      (await t.app.inject({ method: 'DELETE', url: '/v1_0/search/histories' })).statusCode,
    ).toBe(401)
    expect((await get('/v1_0/search?q=x', { authorization: 'Bearer broken' })).status).toBe(401)
  })

  describe('when the search engine is down', () => {
    let app: FastifyInstance
    beforeAll(async () => {
      const down = (): never => {
        throw new SearchUnavailableError('connect ECONNREFUSED 127.0.0.1:9200')
      }
      const failing: SearchEngine = {
        kind: 'failing',
        start: () => undefined,
        index: async () => undefined,
        remove: async () => undefined,
        search: async () => down(),
        suggest: async () => down(),
        rebuild: async () => down(),
        close: async () => undefined,
      }
      app = await buildApp({ ...t.deps, search: failing })
      await app.ready()
    })
    afterAll(() => app?.close())

    it('answers 503 with a clear message for search and suggestions only', async () => {
      const user = await login(app)
      for (const mount of MOUNTS) {
        for (const url of [`${mount}/v1_0/search?q=Redis`, `${mount}/v1_0/suggestion?q=Redis`]) {
          const response = await app.inject({ url, headers: user.auth })
          expect(response.statusCode).toBe(503)
          expect(response.json()).toEqual({ message: SEARCH_UNAVAILABLE })
        }
      }
      expect(
        (await app.inject({ url: '/v1_0/search/histories', headers: user.auth })).statusCode,
      ).toBe(200)
      expect((await app.inject({ url: '/v1_0/channels' })).statusCode).toBe(200)
      expect(
        (
          await app.inject({
            url: `/v1_1/articles?channel_id=1&timestamp=${Date.now()}&with_top=0`,
          })
        ).statusCode,
      ).toBe(200)
    })
  })
})
