import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { RedisClient } from '../redis/redis.js'

/** What a cache fill ended with: the value it loaded, or the one another node stored. */
export type Filled<T> = { value: T; loadedHere: boolean }

/** Lets one node of the cluster load a cold entry while the others wait for its result. */
export interface LoadLease {
  /**
   * Runs `load` when this node wins the entry's lease; otherwise polls `peek` (the shared L2)
   * while the winner's lease lives, and takes the lease over when it ends without a value.
   */
  fill<T>(
    key: string,
    peek: () => Promise<T | undefined>,
    load: () => Promise<T>,
  ): Promise<Filled<T>>
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`

/**
 * Leases as `SET lease:<key> <token> NX PX`: a waiter retries the lease at each poll, so it loads
 * only once the winner released or lost it (a crashed or stuck winner costs at most `holdMs`).
 * A Redis failure just means loading locally.
 */
export function redisLoadLease(
  redis: RedisClient,
  options: { holdMs?: number; pollMs?: number } = {},
): LoadLease {
  const { holdMs = 3000, pollMs = 15 } = options
  return {
    async fill(key, peek, load) {
      const leaseKey = `lease:${key}`
      const token = randomUUID()
      const take = () =>
        redis
          .set(leaseKey, token, 'PX', holdMs, 'NX')
          .then((reply) => reply === 'OK')
          .catch(() => null)
      const peeked = () => peek().catch(() => undefined)
      let won = await take()
      const waited = won === false
      while (won === false) {
        await sleep(pollMs)
        const value = await peeked()
        if (value !== undefined) return { value, loadedHere: false }
        won = await take()
      }
      try {
        // After waiting, the winner may have stored its value and released between the peek and
        // the take. Without waiting, the cache has just missed this key in Redis: no second look.
        const value = won && waited ? await peeked() : undefined
        if (value !== undefined) return { value, loadedHere: false }
        return { value: await load(), loadedHere: true }
      } finally {
        if (won) await redis.eval(RELEASE, 1, leaseKey, token).catch(() => undefined)
      }
    },
  }
}
