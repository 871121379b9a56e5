import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type {
  DocumentBatches,
  SearchDocument,
  SearchEngine,
} from '../../src/infra/search/search-engine.js'

/** An engine under test and how to release it. */
export interface SearchEngineHarness {
  engine: SearchEngine
  close(): Promise<void>
}

// Ids above 2^53: a lossy engine would confuse neighbours.
const BASE = 2n ** 60n
const doc = (n: number, title: string, content: string, status = 2): SearchDocument => ({
  id: BASE + BigInt(n),
  userId: BASE + 1000n + BigInt(n % 3),
  title,
  content,
  status,
  createdMs: Date.UTC(2026, 0, n),
})

/**
 * The corpus every engine is tested on. The Elasticsearch fake's recorded answers
 * (test/search-cluster-fake.ts) are written for exactly these documents.
 */
export const CORPUS = {
  redisCache: doc(
    1,
    'Redis 缓存架构实战',
    '从零搭建 Redis 缓存架构，讲清楚缓存穿透、缓存击穿与缓存雪崩。',
  ),
  cacheDesign: doc(2, '缓存架构的设计取舍', '多级缓存与高可用架构的一些经验总结。'),
  availability: doc(3, '高可用架构演进', '本文介绍服务治理与容灾演练，最后也谈到缓存。'),
  goGenerics: doc(4, 'Go 泛型入门', '泛型让 Go 代码更简洁，本文从类型参数讲起。'),
  deepLearning: doc(5, '深度学习入门到精通', '从神经网络讲起，介绍机器学习与深度学习的区别。'),
  ai: doc(6, '人工智能的发展趋势', '大语言模型正在推动人工智能走向应用。'),
  draft: doc(7, 'Redis 缓存架构草稿', '还没写完的缓存架构文章。', 1),
  deleted: doc(8, 'Redis 缓存架构旧文', '已经删除的缓存架构文章。', 4),
}
const ALL = Object.values(CORPUS)

async function* batches(docs: readonly SearchDocument[]): DocumentBatches {
  for (let i = 0; i < docs.length; i += 3) yield docs.slice(i, i + 3)
}

const ids = (docs: SearchDocument[]) => docs.map((d) => d.id)

/** The behaviour every SearchEngine implementation must show. */
export function searchEngineContract(name: string, open: () => Promise<SearchEngineHarness>) {
  describe(`SearchEngine contract: ${name}`, () => {
    let harness: SearchEngineHarness
    let engine: SearchEngine
    const { redisCache, cacheDesign, availability, goGenerics, deepLearning, ai, draft, deleted } =
      CORPUS
    const page1 = (query: string, perPage = 10) => engine.search(query, { page: 1, perPage })

    beforeAll(async () => {
      harness = await open()
      engine = harness.engine
      expect(await engine.rebuild(batches(ALL))).toBe(6)
    })
    afterAll(() => harness?.close())

    it('finds the approved articles holding the words of a two-word query, title matches first', async () => {
      const found = await page1('缓存架构')
      expect(found.total).toBe(3)
      expect(found.ids.slice(0, 2).sort()).toEqual(ids([redisCache, cacheDesign]).sort())
      expect(found.ids[2]).toBe(availability.id)
      expect(found.ids).not.toContain(draft.id)
      expect(found.ids).not.toContain(deleted.id)
    })

    it('pages through one ranking with a stable total', async () => {
      const all = await page1('缓存架构')
      const first = await engine.search('缓存架构', { page: 1, perPage: 2 })
      const second = await engine.search('缓存架构', { page: 2, perPage: 2 })
      const third = await engine.search('缓存架构', { page: 3, perPage: 2 })
      expect([first.total, second.total, third.total]).toEqual([3, 3, 3])
      expect([...first.ids, ...second.ids]).toEqual(all.ids)
      expect(third.ids).toEqual([])
    })

    it('answers nothing for words no article has, or function words only', async () => {
      expect(await page1('量子纠缠')).toEqual({ total: 0, ids: [] })
      expect(await page1('的')).toEqual({ total: 0, ids: [] })
    })

    it('removes an article indexed again in a state that is not approved, and brings it back', async () => {
      await engine.index([{ ...redisCache, status: 5 }])
      expect((await page1('缓存架构')).ids).not.toContain(redisCache.id)
      expect(await engine.suggest('redis', 10)).not.toContain(redisCache.title)
      await engine.index([redisCache])
      expect((await page1('缓存架构')).ids).toContain(redisCache.id)
    })

    it('forgets removed articles and ignores unknown ids', async () => {
      await engine.remove([cacheDesign.id, BASE + 999n])
      const found = await page1('缓存架构')
      expect(found.total).toBe(2)
      expect(found.ids).not.toContain(cacheDesign.id)
      await engine.index([cacheDesign])
      expect((await page1('缓存架构')).total).toBe(3)
    })

    it('completes a prefix with titles, case-insensitively, never with unapproved ones', async () => {
      const options = await engine.suggest('redis', 10)
      expect(options).toContain(redisCache.title)
      expect(options).not.toContain(draft.title)
      expect(options).not.toContain(deleted.title)
      expect(await engine.suggest('缓存', 10)).toContain(cacheDesign.title)
      expect(await engine.suggest('缓存', 1)).toHaveLength(1)
    })

    it('completes full pinyin and initials with the Chinese titles', async () => {
      expect(await engine.suggest('shendu', 10)).toContain(deepLearning.title)
      expect(await engine.suggest('sdxx', 10)).toContain(deepLearning.title)
      expect(await engine.suggest('gofan', 10)).toContain(goGenerics.title)
    })

    it('corrects a homophone typo and a misspelled Latin word when nothing completes', async () => {
      const homophone = await engine.suggest('人工只能', 10)
      expect(homophone.some((option) => option.includes('人工智能'))).toBe(true)
      const latin = await engine.suggest('Reids', 10)
      expect(latin.some((option) => option.toLowerCase().includes('redis'))).toBe(true)
    })

    it('answers unique, non-empty strings', async () => {
      for (const query of ['缓存', 'redis', 'sdxx', '人工只能', 'Reids', '量子纠缠']) {
        const options = await engine.suggest(query, 10)
        expect(new Set(options).size).toBe(options.length)
        expect(options.every((option) => typeof option === 'string' && option.length > 0)).toBe(
          true,
        )
      }
    })

    it('rebuilds from scratch: what the new documents lack is gone', async () => {
      expect(await engine.rebuild(batches([redisCache, goGenerics, draft]))).toBe(2)
      expect(await page1('缓存架构')).toEqual({ total: 1, ids: [redisCache.id] })
      expect(await engine.suggest('shendu', 10)).toEqual([])
      expect(await engine.rebuild(batches(ALL))).toBe(6)
      expect((await page1('缓存架构')).total).toBe(3)
      expect(await engine.suggest('rgzn', 10)).toContain(ai.title)
    })
  })
}
