import { afterEach, describe, expect, it, vi } from 'vitest'
import { recentWriters } from './recent-writers.js'

describe('recentWriters', () => {
  afterEach(() => vi.useRealTimers())

  const reading = (reader: string | undefined) => ({ reader: () => reader, writing: false })

  it('sends a reader to the primary for the window after its write, and no one else', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const writers = recentWriters({ windowMs: 1000 })
    const decide = (reader: string | undefined) =>
      writers.run(reading(reader), () => writers.readsFromPrimary())
    await writers.wrote('user:1')
    expect([await decide('user:1'), await decide('user:2'), await decide(undefined)]).toEqual([
      true,
      false,
      false,
    ])
    vi.advanceTimersByTime(1001)
    expect(await decide('user:1')).toBe(false)
  })

  it('a write request reads the primary; work outside a scope reads the replicas', async () => {
    const writers = recentWriters({ windowMs: 0 })
    const writing = { reader: () => undefined, writing: true }
    expect(await writers.run(writing, () => writers.readsFromPrimary())).toBe(true)
    expect(await writers.readsFromPrimary()).toBe(false)
    await writers.wrote('user:1')
    expect(await writers.run(reading('user:1'), () => writers.readsFromPrimary())).toBe(false)
  })

  it('decides once per scope, across awaits', async () => {
    const writers = recentWriters({ windowMs: 1000 })
    const reader = vi.fn(() => 'user:1')
    const decisions = await writers.run({ reader, writing: false }, async () => {
      const first = await writers.readsFromPrimary()
      await writers.wrote('user:1')
      await new Promise((resolve) => setTimeout(resolve, 1))
      return [first, await writers.readsFromPrimary()]
    })
    expect(decisions).toEqual([false, false])
    expect(reader).toHaveBeenCalledTimes(1)
  })
})
