import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COUNTERS, type CounterStore } from '../../src/infra/store/counters.js'

/** A store under test and how to release it. */
export interface CounterStoreHarness {
  store: CounterStore
  close(): Promise<void>
}

let nextId = 2n ** 60n + BigInt(Math.floor(Math.random() * 1e9)) * 1000n

/** A fresh 64-bit id above 2^53, so tests never share members. */
const freshId = () => (nextId += 7n)

/** The behaviour every CounterStore implementation must show. */
export function counterStoreContract(name: string, open: () => Promise<CounterStoreHarness>) {
  describe(`CounterStore contract: ${name}`, () => {
    let harness: CounterStoreHarness
    let store: CounterStore
    beforeAll(async () => {
      harness = await open()
      store = harness.store
    })
    afterAll(() => harness?.close())

    it('answers 0 for an id never counted', async () => {
      expect(await store.get(COUNTERS.articleReading, freshId())).toBe(0)
    })

    it('increments and returns the new value, by 1 by default and by negative amounts', async () => {
      const id = freshId()
      expect(await store.incr(COUNTERS.articleLiking, id)).toBe(1)
      expect(await store.incr(COUNTERS.articleLiking, id, 5)).toBe(6)
      expect(await store.incr(COUNTERS.articleLiking, id, -2)).toBe(4)
      expect(await store.get(COUNTERS.articleLiking, id)).toBe(4)
      const other = freshId()
      expect(await store.incr(COUNTERS.articleLiking, other, -1)).toBe(-1)
      expect(await store.get(COUNTERS.articleLiking, other)).toBe(-1)
    })

    it('adds without reading back, by 1 by default and by negative amounts', async () => {
      const id = freshId()
      await store.add(COUNTERS.articleReading, id)
      await store.add(COUNTERS.articleReading, id, 4)
      await store.add(COUNTERS.articleReading, id, -2)
      expect(await store.get(COUNTERS.articleReading, id)).toBe(3)
    })

    it('reads several ids in the order given, with 0 for the uncounted ones', async () => {
      const [a, b, c] = [freshId(), freshId(), freshId()]
      await store.incr(COUNTERS.commentLiking, a, 3)
      await store.incr(COUNTERS.commentLiking, c, 9)
      expect(await store.getMany(COUNTERS.commentLiking, [c, b, a, c])).toEqual([9, 0, 3, 9])
      expect(await store.getMany(COUNTERS.commentLiking, [])).toEqual([])
    })

    it("reads one id's counts in several counters, in the order given", async () => {
      const id = freshId()
      await store.incr(COUNTERS.userFollowers, id, 4)
      await store.incr(COUNTERS.userLiked, id, 2)
      const names = [COUNTERS.userLiked, COUNTERS.userArticles, COUNTERS.userFollowers] as const
      expect(await store.getEach(names, id)).toEqual([2, 0, 4])
      expect(await store.getEach([], id)).toEqual([])
    })

    it('keeps ids above 2^53 apart exactly', async () => {
      const base = 2n ** 62n + (freshId() % 1_000_000n) * 1024n
      // These two collapse into one double: a lossy store would mix their counts.
      const [low, high] = [base, base + 1n]
      expect(Number(low)).toBe(Number(high))
      await store.incr(COUNTERS.userFollowers, low, 2)
      await store.incr(COUNTERS.userFollowers, high, 5)
      expect(await store.get(COUNTERS.userFollowers, low)).toBe(2)
      expect(await store.get(COUNTERS.userFollowers, high)).toBe(5)
      expect(await store.getMany(COUNTERS.userFollowers, [high, low])).toEqual([5, 2])
    })

    it('setMany writes only where the count is still the expected one, and 0 removes', async () => {
      const [a, b, c, d] = [freshId(), freshId(), freshId(), freshId()]
      await store.incr(COUNTERS.userArticles, a, 4)
      await store.incr(COUNTERS.userArticles, b, 1)
      await store.incr(COUNTERS.userArticles, d, -3)
      const written = await store.setMany(COUNTERS.userArticles, [
        { id: a, expected: 4, value: 7 },
        { id: b, expected: 2, value: 9 }, // changed meanwhile: left alone
        { id: c, expected: 0, value: 2 }, // absent counts as 0
        { id: d, expected: -3, value: 0 },
      ])
      expect(written).toBe(3)
      expect(await store.getMany(COUNTERS.userArticles, [a, b, c, d])).toEqual([7, 1, 2, 0])
      const page = await store.scan(COUNTERS.userArticles, undefined, 1000)
      expect(page.entries.some(([id]) => id === d)).toBe(false)
      expect(await store.setMany(COUNTERS.userArticles, [])).toBe(0)
    })

    it('scan pages through every member exactly once, ids above 2^53 exact', async () => {
      const ids = Array.from({ length: 250 }, () => freshId())
      await store.setMany(
        COUNTERS.articleCollecting,
        ids.map((id, i) => ({ id, expected: 0, value: i + 1 })),
      )
      const seen = new Map<bigint, number>()
      let cursor: string | undefined
      for (;;) {
        const page = await store.scan(COUNTERS.articleCollecting, cursor, 40)
        for (const [id, n] of page.entries) seen.set(id, n)
        if (page.next === null) break
        cursor = page.next
      }
      for (const [i, id] of ids.entries()) expect(seen.get(id)).toBe(i + 1)
    })

    it('keeps counters of different names independent', async () => {
      const id = freshId()
      await store.incr(COUNTERS.articleComments, id, 3)
      await store.incr(COUNTERS.commentReplies, id, 8)
      await store.setMany(COUNTERS.articleDislike, [{ id, expected: 0, value: 5 }])
      expect(await store.get(COUNTERS.articleComments, id)).toBe(3)
      expect(await store.get(COUNTERS.commentReplies, id)).toBe(8)
      expect(await store.get(COUNTERS.articleDislike, id)).toBe(5)
      await store.setMany(COUNTERS.articleComments, [{ id, expected: 3, value: 0 }])
      expect(await store.get(COUNTERS.articleComments, id)).toBe(0)
      expect(await store.get(COUNTERS.commentReplies, id)).toBe(8)
      expect(await store.get(COUNTERS.articleDislike, id)).toBe(5)
    })

    it('loses no increment under concurrency', async () => {
      const id = freshId()
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.incr(COUNTERS.userLiked, id)),
      )
      expect(await store.get(COUNTERS.userLiked, id)).toBe(50)
      expect(new Set(results).size).toBe(50)
    })
  })
}
