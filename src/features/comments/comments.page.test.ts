import { describe, expect, it } from 'vitest'
import { commentScore, PINNED_SCORE, type ScoredIds } from './comments.repo.js'
import { pageOf } from './comments.page.js'

const PINNED = PINNED_SCORE + 1_767_225_600n
// Score, then id, descending; 1500 is shared by three comments written in the same second.
const LIST: ScoredIds = {
  ids: ['9', '8', '7', '6', '3', '5', '4'],
  scores: [PINNED.toString(), '2000', '1500', '1500', '1500', '1200', '1000'],
}
const after = (id: bigint) => {
  const index = LIST.ids.indexOf(id.toString())
  return { after: { score: BigInt(LIST.scores[index] as string), id } }
}

describe('pageOf', () => {
  it('answers the first entries without a cursor; end_id names the last comment', () => {
    expect(pageOf(LIST, null, 2)).toEqual({ total: 7, endId: 4n, lastId: 8n, ids: [9n, 8n] })
  })

  it('continues right after the comment the cursor names, through shared seconds', () => {
    expect(pageOf(LIST, after(8n), 2)).toEqual({ total: 7, endId: 4n, lastId: 6n, ids: [7n, 6n] })
    expect(pageOf(LIST, after(6n), 2)).toEqual({ total: 7, endId: 4n, lastId: 5n, ids: [3n, 5n] })
    expect(pageOf(LIST, after(5n), 10)).toEqual({ total: 7, endId: 4n, lastId: 4n, ids: [4n] })
  })

  it('reaches every comment exactly once, whatever the page size', () => {
    for (let limit = 1; limit <= 8; limit++) {
      const seen: bigint[] = []
      let page = pageOf(LIST, null, limit)
      seen.push(...page.ids)
      while (page.lastId !== page.endId) {
        page = pageOf(LIST, after(page.lastId as bigint), limit)
        seen.push(...page.ids)
      }
      expect(seen).toEqual(LIST.ids.map(BigInt))
    }
  })

  it('places a cursor whose comment left the list by its score and id', () => {
    // A comment 6.5 (between 6 and 3 in the order) was deleted after the client saw it.
    expect(pageOf(LIST, { after: { score: 1500n, id: 4n } }, 2).ids).toEqual([3n, 5n])
  })

  it("reads the original's score cursor as before: the entries below it", () => {
    expect(pageOf(LIST, { below: 2000n }, 2)).toEqual({
      total: 7,
      endId: 4n,
      lastId: 6n,
      ids: [7n, 6n],
    })
    expect(pageOf(LIST, { below: 1500n }, 10).ids).toEqual([5n, 4n])
    expect(pageOf(LIST, { below: PINNED }, 1).ids).toEqual([8n])
    expect(pageOf(LIST, { below: PINNED + 1n }, 1).ids).toEqual([9n])
  })

  it('answers an empty page with last_id null past the end, and nulls for an empty list', () => {
    expect(pageOf(LIST, after(4n), 10)).toEqual({ total: 7, endId: 4n, lastId: null, ids: [] })
    expect(pageOf(LIST, { below: 1n }, 10)).toEqual({
      total: 7,
      endId: 4n,
      lastId: null,
      ids: [],
    })
    expect(pageOf({ ids: [], scores: [] }, null, 10)).toEqual({
      total: 0,
      endId: null,
      lastId: null,
      ids: [],
    })
  })

  it('scores in unix seconds, plus 2e19 when pinned', () => {
    expect(commentScore('2026-01-01 00:00:00', 0)).toBe(1_767_225_600n)
    expect(commentScore('2026-01-01 00:00:00', 1)).toBe(20_000_000_001_767_225_600n)
  })
})
