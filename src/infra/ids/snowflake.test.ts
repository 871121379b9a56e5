import { describe, expect, it } from 'vitest'
import {
  ClockMovedBackwardsError,
  Snowflake,
  snowflakeTime,
  TWEPOCH,
  WorkerIdUnavailableError,
} from './snowflake.js'

describe('Snowflake', () => {
  it('lays out time, datacenter, worker and sequence like the original', () => {
    const ms = 1_700_000_000_000
    const ids = new Snowflake(3, 7, () => ms)
    const first = ids.nextId()
    expect(first).toBe(((BigInt(ms) - TWEPOCH) << 22n) | (3n << 17n) | (7n << 12n))
    expect(ids.nextId()).toBe(first + 1n)
    expect(snowflakeTime(first).getTime()).toBe(ms)
    expect(first > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true)
  })

  it('borrows the next millisecond when 4096 ids were taken in one', () => {
    const ids = new Snowflake(0, 0, () => 1_700_000_000_000)
    const seen = new Set<bigint>()
    let last = 0n
    for (let i = 0; i < 5000; i++) {
      const id = ids.nextId()
      expect(id > last).toBe(true)
      seen.add(id)
      last = id
    }
    expect(seen.size).toBe(5000)
    expect(snowflakeTime(last).getTime()).toBe(1_700_000_000_001)
  })

  it('keeps ids increasing when the clock steps back a little', () => {
    let ms = 1_700_000_010_000
    const ids = new Snowflake(0, 1, () => ms)
    const before = ids.nextId()
    ms -= 2000
    const after = ids.nextId()
    expect(after > before).toBe(true)
    ms += 2500
    expect(ids.nextId() > after).toBe(true)
  })

  it('refuses ids when the clock jumps back too far', () => {
    let ms = 1_700_000_010_000
    const ids = new Snowflake(0, 1, () => ms, 1000)
    ids.nextId()
    ms -= 1001
    expect(() => ids.nextId()).toThrow(ClockMovedBackwardsError)
  })

  it('rejects out-of-range node ids', () => {
    expect(() => new Snowflake(32, 0)).toThrow(RangeError)
  })

  it('mints with a leased worker id only until the lease ends, then with the next lease', () => {
    let ms = 1_700_000_000_000
    const ids = new Snowflake(1, 0, () => ms)
    ids.useWorker(9, ms + 1000)
    expect((ids.nextId() >> 12n) & 31n).toBe(9n)
    ms += 1000
    expect(() => ids.nextId()).toThrow(WorkerIdUnavailableError)
    ids.useWorker(4, ms + 1000)
    expect((ids.nextId() >> 12n) & 31n).toBe(4n)
  })
})
