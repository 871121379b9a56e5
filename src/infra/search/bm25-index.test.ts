import { describe, expect, it } from 'vitest'
import { Bm25Index } from './bm25-index.js'

describe('BM25 index', () => {
  it('ranks a title match over a body match, and newer documents first on equal scores', () => {
    const index = new Bm25Index(2)
    index.add('body', 3, ['其他'], ['缓存', '其他'])
    index.add('title-old', 1, ['缓存', '其他'], ['其他'])
    index.add('title-new', 2, ['缓存', '其他'], ['其他'])
    const { total, hits } = index.search(['缓存'], 10)
    expect(total).toBe(3)
    expect(hits.map((hit) => hit.id)).toEqual(['title-new', 'title-old', 'body'])
  })

  it('scores documents holding more of the query words higher', () => {
    const index = new Bm25Index(2)
    index.add('one', 1, ['缓存', '入门'], [])
    index.add('both', 1, ['缓存', '架构'], [])
    index.add('none', 1, ['入门'], [])
    expect(index.search(['缓存', '架构'], 10).hits.map((hit) => hit.id)).toEqual(['both', 'one'])
  })

  it('returns the same best page as a full sort, for any page size', () => {
    const index = new Bm25Index(2)
    const words = ['a', 'b', 'c', 'd', 'e']
    let seed = 7
    const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647
    for (let i = 0; i < 500; i++) {
      const pick = () => words[Math.floor(next() * words.length)] as string
      index.add(`doc${i}`, Math.floor(next() * 50), [pick()], [pick(), pick(), pick()])
    }
    const all = index.search(['a', 'c'], 500)
    for (const top of [1, 10, 37]) {
      const page = index.search(['a', 'c'], top)
      expect(page.total).toBe(all.total)
      expect(page.hits).toEqual(all.hits.slice(0, top))
    }
  })

  it('replaces and removes documents, compacting tombstones without changing answers', () => {
    const index = new Bm25Index(2)
    for (let i = 0; i < 300; i++) index.add(`doc${i}`, i, [`t${i % 3}`], ['共同'])
    index.add('doc0', 0, ['换了'], ['共同'])
    expect(index.search(['t0'], 1000).total).toBe(99)
    for (let i = 0; i < 200; i++) index.remove(`doc${i}`)
    index.remove('unknown')
    expect(index.size).toBe(100)
    expect(index.search(['共同'], 1000).total).toBe(100)
    const t1 = index.search(['t1'], 1000)
    expect(t1.total).toBe(33)
    expect(t1.hits.every((hit) => Number(hit.id.slice(3)) >= 200)).toBe(true)
    index.trim()
    index.add('doc5', 5, ['t1'], [])
    expect(index.search(['t1'], 1000).total).toBe(34)
    expect(index.has('doc5')).toBe(true)
    expect(index.has('doc6')).toBe(false)
  })

  it('keeps long postings (many segments) exact through removals, compaction and trimming', () => {
    const index = new Bm25Index(2)
    const count = 10_000
    for (let i = 0; i < count; i++) index.add(`doc${i}`, i, i % 2 ? ['奇'] : ['偶'], ['共同'])
    index.trim()
    expect(index.search(['共同'], 1).total).toBe(count)
    // Removing three quarters compacts the tombstones out of every segment.
    for (let i = 0; i < count; i++) if (i % 4 !== 0) index.remove(`doc${i}`)
    const left = index.search(['共同'], count)
    expect(left.total).toBe(count / 4)
    expect(left.hits.every((hit) => Number(hit.id.slice(3)) % 4 === 0)).toBe(true)
    expect(index.search(['奇'], count).total).toBe(0)
    expect(index.search(['偶'], count).total).toBe(count / 4)
    for (let i = 1; i < 200; i += 2) index.add(`new${i}`, count + i, ['奇'], ['共同'])
    expect(index.search(['共同'], count).total).toBe(count / 4 + 100)
    expect(index.search(['奇'], 1).hits[0]?.id).toBe('new199')
  })
})
