import { describe, expect, it } from 'vitest'
import { commentScore, PINNED_SCORE, type ScoredIds } from './comments.repo.js'
import { pageOf } from './comments.service.js'

const PINNED = PINNED_SCORE + 1_767_225_600n
// Scores descend; 1500 appears twice (two comments in the same second).
const LIST: ScoredIds = {
  ids: ['9', '8', '7', '6', '5', '4'],
  scores: [PINNED.toString(), '2000', '1500', '1500', '1200', '1000'],
}

describe('pageOf (the original get_page)', () => {
  it('answers the highest scores first, end_id the smallest score of all', () => {
    expect(pageOf(LIST, null, 2)).toEqual({
      total: 6,
      endId: 1000n,
      lastId: 2000n,
      ids: [9n, 8n],
    })
  })

  it('continues below the offset, exclusive', () => {
    expect(pageOf(LIST, 2000n, 2)).toEqual({ total: 6, endId: 1000n, lastId: 1500n, ids: [7n, 6n] })
    expect(pageOf(LIST, 1500n, 10)).toEqual({
      total: 6,
      endId: 1000n,
      lastId: 1000n,
      ids: [5n, 4n],
    })
    expect(pageOf(LIST, PINNED, 1).ids).toEqual([8n])
    expect(pageOf(LIST, PINNED + 1n, 1).ids).toEqual([9n])
  })

  it('skips the rest of a score shared across a page boundary, as ZREVRANGEBYSCORE did', () => {
    expect(pageOf(LIST, null, 3).ids).toEqual([9n, 8n, 7n])
    expect(pageOf(LIST, 1500n, 3).ids).toEqual([5n, 4n])
  })

  it('answers an empty page with last_id null below the end, and nulls for an empty list', () => {
    expect(pageOf(LIST, 1000n, 10)).toEqual({ total: 6, endId: 1000n, lastId: null, ids: [] })
    expect(pageOf(LIST, 1n, 10)).toEqual({ total: 6, endId: 1000n, lastId: null, ids: [] })
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
