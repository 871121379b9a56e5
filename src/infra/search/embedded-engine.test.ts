import { describe, expect, it } from 'vitest'
import { CORPUS, searchEngineContract } from '../../../test/contracts/search-engine.contract.js'
import { EmbeddedSearchEngine } from './embedded-engine.js'
import {
  SearchUnavailableError,
  type DocumentBatches,
  type SearchDocument,
} from './search-engine.js'

searchEngineContract('embedded', async () => {
  const engine = new EmbeddedSearchEngine({ load: async function* () {} })
  return { engine, close: () => engine.close() }
})

/** Batches that wait for `gate` before the last one, so a build can be caught half-way. */
function slowBatches(docs: SearchDocument[], gate: Promise<void>): () => DocumentBatches {
  return async function* () {
    yield docs.slice(0, 1)
    await gate
    yield docs.slice(1)
  }
}

describe('embedded search engine', () => {
  const { redisCache, cacheDesign, goGenerics, deepLearning } = CORPUS

  it('answers "unavailable" while its first build is slow, then answers', async () => {
    let open!: () => void
    const gate = new Promise<void>((resolve) => (open = resolve))
    const engine = new EmbeddedSearchEngine({
      load: slowBatches([redisCache, cacheDesign], gate),
      readyWaitMs: 20,
    })
    engine.start()
    await expect(engine.search('缓存', { page: 1, perPage: 10 })).rejects.toBeInstanceOf(
      SearchUnavailableError,
    )
    await expect(engine.suggest('缓存', 10)).rejects.toBeInstanceOf(SearchUnavailableError)
    open()
    await expect.poll(() => engine.stats.ready).toBe(true)
    expect((await engine.search('缓存', { page: 1, perPage: 10 })).total).toBe(2)
  })

  it('waits for a quick build instead of failing the first search', async () => {
    const engine = new EmbeddedSearchEngine({
      load: async function* () {
        await new Promise((resolve) => setTimeout(resolve, 30))
        yield [goGenerics]
      },
    })
    engine.start()
    expect((await engine.search('泛型', { page: 1, perPage: 10 })).ids).toEqual([goGenerics.id])
  })

  it('keeps changes made while a build runs, even if the build read an older version', async () => {
    let open!: () => void
    const gate = new Promise<void>((resolve) => (open = resolve))
    const stale = { ...deepLearning, title: '旧标题' }
    const engine = new EmbeddedSearchEngine({ load: slowBatches([redisCache, stale], gate) })
    engine.start()
    await new Promise((resolve) => setTimeout(resolve, 10))
    await engine.index([deepLearning])
    await engine.remove([redisCache.id])
    open()
    await expect.poll(() => engine.stats.ready).toBe(true)
    expect((await engine.search('深度学习', { page: 1, perPage: 10 })).ids).toEqual([
      deepLearning.id,
    ])
    expect((await engine.search('旧标题', { page: 1, perPage: 10 })).total).toBe(0)
    expect((await engine.search('Redis', { page: 1, perPage: 10 })).total).toBe(0)
  })

  it('retries a build that failed when asked again', async () => {
    let calls = 0
    const engine = new EmbeddedSearchEngine({
      load: async function* () {
        calls += 1
        if (calls === 1) throw new Error('database is locked')
        yield [goGenerics]
      },
    })
    engine.start()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect((await engine.search('泛型', { page: 1, perPage: 10 })).total).toBe(1)
    expect(calls).toBe(2)
  })

  it('indexes the title whole and only the start of long bodies', async () => {
    const engine = new EmbeddedSearchEngine({ load: async function* () {}, contentChars: 20 })
    await engine.rebuild(
      (async function* () {
        yield [{ ...goGenerics, content: `${'泛型'.repeat(10)}结尾才出现的词汇` }]
      })(),
    )
    expect((await engine.search('泛型', { page: 1, perPage: 10 })).total).toBe(1)
    expect((await engine.search('词汇', { page: 1, perPage: 10 })).total).toBe(0)
  })

  it('suggests terms found inside titles, also by pinyin, before whole titles', async () => {
    const engine = new EmbeddedSearchEngine({ load: async function* () {} })
    await engine.rebuild(
      (async function* () {
        yield Object.values(CORPUS)
      })(),
    )
    expect((await engine.suggest('fanxing', 10))[0]).toBe('泛型')
    expect((await engine.suggest('rgzn', 10))[0]).toBe('人工智能')
    expect(await engine.suggest('缓存', 10)).toEqual(['缓存架构', '缓存架构的设计取舍'])
  })
})
