import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOUR, openRecoFixture, T0, type RecoFixture } from '../../test/reco-fixtures.js'
import { recordReading } from '../features/history/reading-history.js'
import { recordTrace } from './feedback.js'
import type { FeedPage, Recommender } from './recommender.js'
import { AbortedError, ALGORITHM, scoredStrategy } from './scored-strategy.js'

const A1 = 1001n
const A2 = 1002n
const A3 = 1003n
const AUTHORS = [A1, A2, A3]

/** Channel 1: 1101…1112, i hours old, authors A1, A2, A3 in turn; 1110 is popular. */
const CH1 = Array.from({ length: 12 }, (_, i) => BigInt(1101 + i))

describe('the scored strategy on fixed data and a fixed clock', () => {
  let f: RecoFixture
  let clock = T0
  let strategy: Recommender

  beforeAll(async () => {
    f = await openRecoFixture()
    for (const [i, id] of CH1.entries()) {
      await f.article({ id, channel: 1, author: AUTHORS[i % 3]!, hoursAgo: i + 1 })
    }
    await f.article({ id: 1199n, channel: 1, author: A1, hoursAgo: 0, status: 1 })
    for (let i = 0; i < 6; i++) {
      await f.article({ id: BigInt(1201 + i), channel: 2, author: A2, hoursAgo: i + 1.5 })
      await f.article({ id: BigInt(1301 + i), channel: 3, author: A3, hoursAgo: i + 1.25 })
    }
    await f.counts(1110n, { reads: 40, likes: 10, collects: 5, comments: 5 })
    strategy = scoredStrategy(f.deps, { now: () => clock })
  })
  afterAll(() => f.close())

  const page = (
    viewer: string,
    channelId: number,
    count: number,
    timestamp = clock,
    userId: bigint | null = null,
  ) => strategy.userRecommend({ viewer, userId, channelId, count, timestamp })
  const ids = (p: FeedPage) => p.items.map((item) => item.articleId)

  it('ranks by freshness, popularity lifting an older article, and never shows unapproved ones', async () => {
    const first = await page('dev-order', 1, 5)
    expect(ids(first)).toEqual([1110n, 1101n, 1102n, 1103n, 1104n])
    const trace = JSON.parse(first.items[0]!.trace.click)
    expect(trace).toEqual({
      action: 'click',
      userId: 'dev-order',
      articleId: '1110',
      algorithmCombine: ALGORITHM,
    })
    expect(JSON.parse(first.exposure)).toMatchObject({
      action: 'exposure',
      articleId: '[1110, 1101, 1102, 1103, 1104]',
    })
  })

  it('scrolls on without repeats to an empty page, each cursor below the last', async () => {
    const seen: bigint[] = []
    let timestamp = clock
    const sizes: number[] = []
    for (;;) {
      const next = await page('dev-scroll', 1, 5, timestamp)
      sizes.push(next.items.length)
      if (next.items.length === 0) {
        expect(next.timestamp).toBe(timestamp)
        break
      }
      expect(next.timestamp).toBe(timestamp - 1)
      seen.push(...ids(next))
      timestamp = next.timestamp
    }
    expect(sizes).toEqual([5, 5, 2, 0])
    expect(new Set(seen).size).toBe(12)
    expect([...seen].sort()).toEqual([...CH1].sort())
    // A refresh with nothing new has nothing to show either: everything was seen.
    expect(ids(await page('dev-scroll', 1, 5, clock + 1000))).toEqual([])
  })

  it("skips what the user read or disliked and the blacklisted authors' articles", async () => {
    const user = 5001n
    await recordReading(f.deps, user, 1101n, T0 - HOUR)
    await f.attitude(user, 1102n, 0)
    await f.relation(user, A3, 2)
    const seen: bigint[] = []
    for (let n = 0; n < 5; n++) seen.push(...ids(await page(String(user), 1, 5, clock, user)))
    expect(seen.sort()).toEqual([1104n, 1105n, 1107n, 1108n, 1110n, 1111n])
  })

  it("lifts followed authors' articles", async () => {
    const user = 5002n
    await f.relation(user, A2, 1)
    // Following adds 0.6 × 4/6 = 0.4 to A2's articles: 1102 overtakes the popular 1110.
    expect(ids(await page(String(user), 1, 4, clock, user))).toEqual([1102n, 1110n, 1105n, 1108n])
  })

  it('keeps devices apart from each other and from users with the same digits', async () => {
    const device = await page('5003', 1, 3)
    expect(ids(device)).toEqual([1110n, 1101n, 1102n])
    expect(ids(await page('other-device', 1, 3))).toEqual([1110n, 1101n, 1102n])
    expect(ids(await page('5003', 1, 3, clock, 5003n))).toEqual([1110n, 1101n, 1102n])
    expect(ids(await page('5003', 1, 3))).toEqual([1103n, 1104n, 1105n])
  })

  it('serves callers with no identity the stateless newest-first feed', async () => {
    const first = await page('', 1, 3, T0)
    expect(ids(first)).toEqual([1101n, 1102n, 1103n])
    expect(JSON.parse(first.items[0]!.trace.click).algorithmCombine).toBe('latest')
    expect(ids(await page('', 1, 3, first.timestamp))).toEqual([1104n, 1105n, 1106n])
  })

  it('lets clicks reported through Trace headers shift the next pages toward their channel', async () => {
    const [clicker, control] = [await page('dev-click', 0, 6), await page('dev-control', 0, 6)]
    expect(ids(clicker)).toEqual(ids(control))
    const channel3 = clicker.items.find((item) => item.articleId >= 1301n)
    expect(channel3).toBeDefined()
    expect(await recordTrace(f.deps, channel3!.trace.click, { channelId: 3 }, clock)).toBe(true)
    const [next, nextControl] = [await page('dev-click', 0, 6), await page('dev-control', 0, 6)]
    const inChannel3 = (p: FeedPage) => ids(p).filter((id) => id >= 1301n).length
    expect(inChannel3(next)).toBeGreaterThan(inChannel3(nextControl))
    expect(next.items[0]!.articleId >= 1301n).toBe(true)
  })

  it('ignores traces for articles never shown to that viewer, and bounced reads', async () => {
    const shown = await page('dev-trace', 2, 1)
    const trace = shown.items[0]!.trace
    const forged = trace.click.replace('dev-trace', 'dev-victim')
    expect(await recordTrace(f.deps, forged, {}, clock)).toBe(false)
    expect(await recordTrace(f.deps, 'not json', {}, clock)).toBe(false)
    expect(await recordTrace(f.deps, trace.read, { readTime: 3 }, clock)).toBe(false)
    expect(await recordTrace(f.deps, trace.read, { readTime: 30 }, clock)).toBe(true)
  })

  it('records nothing for a request whose caller gave up', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(
      strategy.userRecommend({
        viewer: 'dev-abort',
        userId: null,
        channelId: 1,
        count: 3,
        timestamp: clock,
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(AbortedError)
    expect(ids(await page('dev-abort', 1, 3))).toEqual([1110n, 1101n, 1102n])
  })

  it('brings articles published since on refresh, once the candidates are reloaded', async () => {
    for (let i = 0; i < 3; i++) {
      await f.article({ id: BigInt(1401 + i), channel: 4, author: A1, hoursAgo: i + 1 })
    }
    expect(ids(await page('dev-refresh', 4, 10))).toEqual([1401n, 1402n, 1403n])
    expect(ids(await page('dev-refresh', 4, 10, clock - 1))).toEqual([])
    await f.article({ id: 1404n, channel: 4, author: A2, hoursAgo: -0.5 })
    clock = T0 + HOUR
    try {
      expect(ids(await page('dev-refresh', 4, 10))).toEqual([1404n])
    } finally {
      clock = T0
    }
  })
})
