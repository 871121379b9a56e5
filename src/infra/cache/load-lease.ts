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
   * `stored` tells whether the caller writes a loaded value to L2 once `fill` returns.
   */
  fill<T>(
    key: string,
    peek: () => Promise<T | undefined>,
    load: () => Promise<T>,
    stored: (value: T) => boolean,
  ): Promise<Filled<T>>
  /** Ends the leases of entries a write has just deleted: their next reader loads at once. */
  forget(keys: readonly string[]): Promise<void>
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`
const SHORTEN = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`

/**
 * Leases as `SET lease:<key> <token> NX PX`: a waiter retries the lease at each poll, so it loads
 * only once the winner released or lost it (a crashed or stuck winner costs at most `holdMs`).
 * A winner whose value goes to L2 keeps its lease `writeMs` more, the time the caller takes to
 * write it: released at once, a waiter would find neither lease nor value and load again.
 * A Redis failure just means loading locally.
 */
export function redisLoadLease(
  redis: RedisClient,
  options: { holdMs?: number; pollMs?: number; writeMs?: number } = {},
): LoadLease {
  const { holdMs = 3000, pollMs = 15, writeMs = 250 } = options
  return {
    async fill(key, peek, load, stored) {
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
      let writing = false
      try {
        // After waiting, the winner may have stored its value and released between the peek and
        // the take. Without waiting, the cache has just missed this key in Redis: no second look.
        const value = won && waited ? await peeked() : undefined
        if (value !== undefined) return { value, loadedHere: false }
        const loaded = await load()
        writing = stored(loaded)
        return { value: loaded, loadedHere: true }
      } finally {
        if (won) {
          const release = writing
            ? redis.eval(SHORTEN, 1, leaseKey, token, writeMs)
            : redis.eval(RELEASE, 1, leaseKey, token)
          await release.catch(() => undefined)
        }
      }
    },
    async forget(keys) {
      // One command per key: in a Redis Cluster the keys may live on different shards.
      await Promise.all(keys.map((key) => redis.del(`lease:${key}`).catch(() => undefined)))
    },
  }
}
