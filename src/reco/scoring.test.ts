import { describe, expect, it } from 'vitest'
import type { Signal } from './reco-state.js'
import {
  buildProfile,
  decayed,
  freshnessOf,
  rankCandidates,
  SCORE_WEIGHTS,
  type Candidate,
} from './scoring.js'

const T0 = Date.UTC(2030, 0, 1)
const HOUR = 3_600_000
const DAY = 24 * HOUR

const candidate = (id: number, over: Partial<Candidate> = {}): Candidate => ({
  id: BigInt(id),
  channelId: 1,
  authorId: 100n,
  createdMs: T0 - HOUR,
  reads: 0,
  likes: 0,
  collects: 0,
  comments: 0,
  ...over,
})
const nobody = () => buildProfile({ shown: [], signals: [] }, T0)
const ids = (ranked: { candidate: Candidate }[]) => ranked.map((r) => Number(r.candidate.id))

describe('scoring rules (fixed clock)', () => {
  it('halves freshness every two days and signals every week; the future counts as now', () => {
    expect(freshnessOf(T0, T0)).toBe(1)
    expect(freshnessOf(T0 - 2 * DAY, T0)).toBeCloseTo(0.5, 12)
    expect(freshnessOf(T0 - 6 * DAY, T0)).toBeCloseTo(0.125, 12)
    expect(freshnessOf(T0 + HOUR, T0)).toBe(1)
    expect(decayed(4, T0 - 7 * DAY, T0)).toBeCloseTo(2, 12)
    expect(decayed(4, undefined, T0)).toBe(4)
  })

  it('ranks a page as the first entries of the whole ranking, ties and exclusions included', () => {
    let seed = 7
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    const pool = Array.from({ length: 300 }, (_, i) =>
      candidate(i + 1, {
        createdMs: T0 - next(20) * HOUR,
        reads: next(4) * 10,
        channelId: 1 + next(3),
        authorId: BigInt(100 + next(5)),
      }),
    )
    const profile = buildProfile(
      {
        shown: [5n, 6n, 7n],
        signals: [{ action: 'click', articleId: 9n, channelId: 2, authorId: 101n, atMs: T0 }],
      },
      T0,
    )
    const all = ids(rankCandidates(pool, profile, T0))
    expect(all).toHaveLength(297)
    for (const limit of [1, 10, 50]) {
      expect(ids(rankCandidates(pool, profile, T0, limit))).toEqual(all.slice(0, limit))
    }
    // Without interests a page is the first allowed entries of the pool's own order.
    const plain = buildProfile({ shown: [5n, 6n, 7n], signals: [] }, T0)
    const plainAll = ids(rankCandidates(pool, plain, T0))
    expect(plainAll).toHaveLength(297)
    for (const limit of [1, 10, 50]) {
      expect(ids(rankCandidates(pool, plain, T0, limit))).toEqual(plainAll.slice(0, limit))
    }
  })

  it('puts newer first when nothing else differs, and breaks exact ties by the higher id', () => {
    const pool = [
      candidate(1, { createdMs: T0 - 5 * HOUR }),
      candidate(2, { createdMs: T0 - HOUR }),
      candidate(3, { createdMs: T0 - 3 * HOUR }),
      candidate(4, { createdMs: T0 - 3 * HOUR }),
    ]
    expect(ids(rankCandidates(pool, nobody(), T0))).toEqual([2, 4, 3, 1])
  })

  it('lets popularity (log scale, relative to the top candidate) lift an older article', () => {
    const pool = [
      candidate(1, { createdMs: T0 - HOUR }),
      candidate(2, { createdMs: T0 - 6 * HOUR, reads: 50, likes: 10, collects: 5, comments: 5 }),
      candidate(3, { createdMs: T0 - 96 * HOUR, reads: 50, likes: 10, collects: 5, comments: 5 }),
    ]
    const ranked = rankCandidates(pool, nobody(), T0)
    expect(ids(ranked)).toEqual([2, 1, 3])
    // 2: freshness 0.5^(6/48) + popularity 1 × 0.5; 1: freshness only; 3: four days old.
    expect(ranked[0]!.score).toBeCloseTo(0.5 ** (6 / 48) + SCORE_WEIGHTS.popularity, 12)
    expect(ranked[1]!.score).toBeCloseTo(0.5 ** (1 / 48), 12)
    expect(ranked[2]!.score).toBeCloseTo(0.25 + SCORE_WEIGHTS.popularity, 12)
  })

  it('weights engagement: a collection counts more than a like, a like more than a read', () => {
    const pool = [
      candidate(1, { reads: 4 }),
      candidate(2, { likes: 1 }),
      candidate(3, { collects: 1 }),
      candidate(4, { comments: 1 }),
    ]
    // Engagement 4, 3, 4 and 2: ties in engagement fall back to the higher id.
    expect(ids(rankCandidates(pool, nobody(), T0))).toEqual([3, 1, 2, 4])
  })

  it('never ranks shown, read or disliked articles, nor those of blacklisted authors', () => {
    const pool = [1, 2, 3, 4, 5, 6].map((id) => candidate(id, { authorId: BigInt(100 + id) }))
    const profile = buildProfile(
      { shown: [1n], read: [2n], disliked: [3n], blockedAuthors: [104n], signals: [] },
      T0,
    )
    expect(ids(rankCandidates(pool, profile, T0))).toEqual([6, 5])
  })

  it("lifts the channels and authors of the viewer's signals, saturating w / (w + 2)", () => {
    const pool = [
      candidate(1, { channelId: 1, authorId: 101n, createdMs: T0 - HOUR }),
      candidate(2, { channelId: 2, authorId: 102n, createdMs: T0 - 5 * HOUR }),
      candidate(3, { channelId: 2, authorId: 103n, createdMs: T0 - 5 * HOUR }),
    ]
    expect(ids(rankCandidates(pool, nobody(), T0))).toEqual([1, 3, 2])
    const click: Signal = { action: 'click', articleId: 9n, channelId: 2, authorId: 102n, atMs: T0 }
    const profile = buildProfile({ shown: [], signals: [click] }, T0)
    expect(profile.channels.get(2)).toBe(1)
    const ranked = rankCandidates(pool, profile, T0)
    expect(ids(ranked)).toEqual([2, 3, 1])
    const base = 0.5 ** (5 / 48)
    expect(ranked[0]!.score).toBeCloseTo(
      base + SCORE_WEIGHTS.channel / 3 + SCORE_WEIGHTS.author / 3,
      12,
    )
    expect(ranked[1]!.score).toBeCloseTo(base + SCORE_WEIGHTS.channel / 3, 12)
  })

  it('folds likes, collections, follows, reads and decayed feedback into interests', () => {
    const profile = buildProfile(
      {
        shown: [],
        signals: [
          { action: 'read', articleId: 1n, channelId: 3, authorId: 7n, atMs: T0 - 7 * DAY },
          { action: 'collect', articleId: 2n, channelId: 4, authorId: 8n, atMs: T0 },
        ],
        history: [{ channelId: 3, authorId: 7n, atMs: T0 }],
        liked: [{ channelId: 5, authorId: 9n }],
        collected: [{ channelId: 5, authorId: 9n }],
        followed: [7n],
      },
      T0,
    )
    // read 2 halved after a week + one fresh read from history.
    expect(profile.channels.get(3)).toBeCloseTo(2, 12)
    expect(profile.channels.get(4)).toBe(3)
    expect(profile.channels.get(5)).toBe(6)
    expect(profile.authors.get(7n)).toBeCloseTo(2 + 4, 12)
    expect(profile.authors.get(9n)).toBe(6)
  })
})
