import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRecoFixture, T0, type RecoFixture } from '../../test/reco-fixtures.js'
import { scoredStrategy } from './scored-strategy.js'
import { buildIndex, plainText, words, type Document } from './similarity.js'

const REDIS = [
  [
    'Redis 缓存穿透与缓存雪崩的解决方案',
    '<p>缓存穿透可以用布隆过滤器拦截，缓存雪崩要给过期时间加随机值。</p>',
  ],
  [
    'Redis 缓存击穿：热点数据的互斥锁',
    '<p>热点数据过期时，用互斥锁保证只有一个请求回源数据库，其余请求等待缓存。</p>',
  ],
  [
    '缓存一致性：先更新数据库还是先删缓存',
    '<p>更新数据库之后删除缓存，配合延迟双删，Redis 缓存与数据库保持一致。</p>',
  ],
] as const
const VUE = [
  ['Vue 3 组件通信的七种方式', '<p>父子组件用 props 和 emit，跨层级组件用 provide 与 inject。</p>'],
  [
    'Vue 3 响应式原理：Proxy 与依赖收集',
    '<p>响应式对象通过 Proxy 拦截读写，组件渲染时收集依赖。</p>',
  ],
] as const

const docs = (list: readonly (readonly [string, string])[], from: number): Document[] =>
  list.map(([title, body], i) => ({ id: BigInt(from + i), title, body }))

describe('content similarity (TF-IDF over segmented titles and bodies)', () => {
  it('segments Chinese text into words, without punctuation, single characters or stopwords', () => {
    expect(words('Redis 缓存穿透，我们如何解决？')).toEqual(['redis', '缓存', '穿透', '解决'])
    expect(plainText('<p>缓存&nbsp;<b>雪崩</b></p>')).toBe('缓存 雪崩')
  })

  it('ranks articles on the same subject first, deterministically, never the article itself', () => {
    const index = buildIndex([...docs(REDIS, 1), ...docs(VUE, 10)])
    const first = index.similar(1n, 10)
    expect(first.slice(0, 2).sort()).toEqual([2n, 3n])
    expect(first).not.toContain(1n)
    expect(index.similar(1n, 10)).toEqual(first)
    expect(index.similar(10n, 1)).toEqual([11n])
    // Unrelated documents share no words: they are not "similar" at all.
    expect(index.similar(10n, 10)).not.toContain(1n)
  })

  it('compares an article outside the index by its own text', () => {
    const index = buildIndex(docs(REDIS, 1))
    const outsider = { id: 99n, title: 'Redis 缓存雪崩', body: '<p>过期时间加随机值</p>' }
    expect(index.similar(99n, 1, outsider)).toEqual([1n])
  })

  it('ranks as a plain TF-IDF cosine over maps of words does', () => {
    const corpus = [...docs(REDIS, 1), ...docs(VUE, 10)]
    const outsider = {
      id: 99n,
      title: 'Redis 缓存与 Vue 组件：布隆过滤器',
      body: '<p>分布式锁</p>',
    }
    const index = buildIndex(corpus)
    for (const document of [...corpus, outsider]) {
      const expected = referenceRanking(corpus, document)
      expect(index.similar(document.id, 10, document)).toEqual(expected)
    }
  })
})

/** The ranking `buildIndex` must give, computed plainly with maps of words. */
function referenceRanking(corpus: Document[], query: Document): bigint[] {
  const counts = (d: Document) => {
    const map = new Map<string, number>()
    for (const w of words(d.title)) map.set(w, (map.get(w) ?? 0) + 3)
    for (const w of words(plainText(d.body))) map.set(w, (map.get(w) ?? 0) + 1)
    return map
  }
  const df = new Map<string, number>()
  for (const d of corpus) for (const w of counts(d).keys()) df.set(w, (df.get(w) ?? 0) + 1)
  const vector = (d: Document) => {
    const v = new Map<string, number>()
    for (const [w, c] of counts(d)) {
      v.set(w, (1 + Math.log(c)) * (Math.log((corpus.length + 1) / ((df.get(w) ?? 0) + 1)) + 1))
    }
    const norm = Math.sqrt([...v.values()].reduce((sum, x) => sum + x * x, 0))
    return new Map([...v].map(([w, x]) => [w, x / norm]))
  }
  const q = vector(query)
  return corpus
    .filter((d) => d.id !== query.id)
    .map((d) => {
      let dot = 0
      for (const [w, x] of vector(d)) dot += x * (q.get(w) ?? 0)
      return { id: d.id, score: dot }
    })
    .filter((s) => s.score > 1e-12)
    .sort((a, b) => b.score - a.score || (b.id > a.id ? 1 : -1))
    .slice(0, 10)
    .map((s) => s.id)
}

describe('similar articles of the strategy', () => {
  let f: RecoFixture
  beforeAll(async () => {
    f = await openRecoFixture()
    for (const [i, [title, content]] of [...REDIS, ...VUE].entries()) {
      await f.article({ id: BigInt(2001 + i), channel: 7, author: 1n, hoursAgo: i, title, content })
    }
    const [title, content] = REDIS[0]
    await f.article({ id: 2101n, channel: 8, author: 1n, hoursAgo: 0, title, content })
    await f.article({ id: 2102n, channel: 7, author: 1n, hoursAgo: 0, title, content, status: 5 })
  })
  afterAll(() => f.close())

  it('finds approved articles of the same channel by content', async () => {
    const strategy = scoredStrategy(f.deps, { now: () => T0 })
    const similar = await strategy.similarArticles(2001n, 10)
    expect(similar.slice(0, 2).sort()).toEqual([2002n, 2003n])
    expect(similar).not.toContain(2001n)
    expect(similar).not.toContain(2101n)
    expect(similar).not.toContain(2102n)
    expect(await strategy.similarArticles(2001n, 1)).toEqual(similar.slice(0, 1))
    expect(await strategy.similarArticles(2102n, 10)).toEqual([])
    expect(await strategy.similarArticles(999n, 10)).toEqual([])
  })
})
