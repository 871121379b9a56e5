import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_REDIS_URL } from '../../../test/env.js'
import { openTestRedis, type TestRedis } from '../../../test/stores.js'
import { redisLoadLease } from './load-lease.js'

describe.skipIf(!TEST_REDIS_URL)('the cluster-wide load lease', () => {
  let t: TestRedis
  beforeAll(async () => {
    t = await openTestRedis()
  })
  afterAll(() => t?.close())

  it('keeps the other nodes waiting for as long as a slow load holds the lease', async () => {
    let stored: string | undefined
    let loads = 0
    const slowLoad = async () => {
      loads++
      await sleep(1500)
      return (stored = 'loaded')
    }
    // One lease per node: nothing is shared in process.
    const fills = await Promise.all(
      Array.from({ length: 4 }, () =>
        redisLoadLease(t.redis).fill(
          'slow',
          async () => stored,
          slowLoad,
          () => true,
        ),
      ),
    )
    expect(fills.map((fill) => fill.value)).toEqual(Array(4).fill('loaded'))
    expect(fills.filter((fill) => fill.loadedHere)).toHaveLength(1)
    expect(loads).toBe(1)
  })

  it('loads once the lease of a node that died while loading runs out', async () => {
    await t.raw.set('lease:orphan', 'a node that crashed', 'PX', 300)
    const started = Date.now()
    const fill = await redisLoadLease(t.redis).fill(
      'orphan',
      async () => undefined,
      async () => 'loaded here',
      () => false,
    )
    expect(fill).toEqual({ value: 'loaded here', loadedHere: true })
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(await t.raw.exists('lease:orphan')).toBe(0)
  })

  it('keeps the others waiting while the winner writes the value it loaded', async () => {
    // The cache writes L2 after the fill returns: the value shows up a moment after the release.
    let shared: string | undefined
    let loads = 0
    const load = async () => {
      loads++
      await sleep(50)
      setTimeout(() => (shared = 'loaded'), 40)
      return 'loaded'
    }
    const nodes = Array.from({ length: 4 }, () => redisLoadLease(t.redis, { pollMs: 5 }))
    const fills = await Promise.all(
      nodes.map((node) =>
        node.fill(
          'written-late',
          async () => shared,
          load,
          () => true,
        ),
      ),
    )
    expect(fills.map((fill) => fill.value)).toEqual(Array(4).fill('loaded'))
    expect(loads).toBe(1)
  })

  it('lets a value that is not stored be loaded by the next node at once', async () => {
    const lease = redisLoadLease(t.redis)
    await lease.fill(
      'unstored',
      async () => undefined,
      async () => null,
      () => false,
    )
    expect(await t.raw.exists('lease:unstored')).toBe(0)
  })

  it('ends the lease of an entry a write deleted', async () => {
    const lease = redisLoadLease(t.redis)
    await lease.fill(
      'rewritten',
      async () => undefined,
      async () => 'old',
      () => true,
    )
    expect(await t.raw.exists('lease:rewritten')).toBe(1)
    await lease.forget(['rewritten', 'never-leased'])
    expect(await t.raw.exists('lease:rewritten')).toBe(0)
  })
})
