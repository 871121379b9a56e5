import { describe, expect, it } from 'vitest'
import { tokenBucket } from './token-bucket.js'

describe('tokenBucket', () => {
  it('allows a burst, then the rate', () => {
    let now = 0
    const bucket = tokenBucket(5, 3, () => now)
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([
      true,
      true,
      true,
      false,
    ])
    now += 200 // one token per 200 ms
    expect([bucket.take(), bucket.take()]).toEqual([true, false])
    now += 10_000 // refills up to the burst only
    expect(Array.from({ length: 4 }, () => bucket.take())).toEqual([true, true, true, false])
  })
})
