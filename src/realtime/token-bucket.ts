/** A per-socket rate limit: `ratePerSecond` on average, up to `burst` at once. */
export interface TokenBucket {
  /** Takes one token; false when the bucket is empty (the message must be dropped). */
  take(): boolean
}

/** A token bucket that starts full; `now` is in ms (injectable for tests). */
export function tokenBucket(
  ratePerSecond: number,
  burst: number,
  now: () => number = Date.now,
): TokenBucket {
  let tokens = burst
  let last = now()
  return {
    take() {
      const time = now()
      tokens = Math.min(burst, tokens + ((time - last) / 1000) * ratePerSecond)
      last = time
      if (tokens < 1) return false
      tokens -= 1
      return true
    },
  }
}
