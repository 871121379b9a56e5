import { AsyncLocalStorage } from 'node:async_hooks'
import type { RedisClient } from '../redis/redis.js'

/** The caller a piece of work runs for, as far as read routing cares. */
export interface ReadScope {
  /** The caller's stable key (user or token), asked at its first read: auth may run later. */
  readonly reader: () => string | undefined
  /** The work is a write: all its reads go to the primary (they decide what to write). */
  readonly writing: boolean
}

/** Read-your-writes: who wrote moments ago reads the primary until replicas have caught up. */
export interface RecentWriters {
  /** Runs `work` (and everything it awaits) in `scope`. */
  run<T>(scope: ReadScope, work: () => T): T
  /** `reader` just wrote: its reads go to the primary for the window, on every node with Redis. */
  wrote(reader: string): Promise<void>
  /** Whether the current work must read the primary (decided once per scope). */
  readonly readsFromPrimary: () => Promise<boolean>
}

const PRUNE_AT = 10_000

/**
 * Marks live `windowMs` in this process and, with Redis, under `db:wrote:<reader>` so that the
 * writer's next request may land on any node. Redis failing only loses the other nodes' view.
 * Work outside a scope (jobs, sockets, the recommender) reads the replicas.
 */
export function recentWriters(options: { windowMs: number; redis?: RedisClient }): RecentWriters {
  const storage = new AsyncLocalStorage<{ scope: ReadScope; decision?: Promise<boolean> }>()
  const local = new Map<string, number>()
  const key = (reader: string) => `db:wrote:${reader}`

  const prune = (now: number) => {
    for (const [reader, until] of local) if (until <= now) local.delete(reader)
  }
  const wroteRecently = async (reader: string) => {
    if ((local.get(reader) ?? 0) > Date.now()) return true
    if (!options.redis) return false
    try {
      return (await options.redis.exists(key(reader))) === 1
    } catch {
      return false
    }
  }

  return {
    run: (scope, work) => storage.run({ scope }, work),
    async wrote(reader) {
      if (options.windowMs === 0) return
      const now = Date.now()
      if (local.size >= PRUNE_AT) prune(now)
      local.set(reader, now + options.windowMs)
      await options.redis?.set(key(reader), '1', 'PX', options.windowMs).catch(() => undefined)
    },
    readsFromPrimary() {
      const current = storage.getStore()
      if (!current) return Promise.resolve(false)
      if (!current.decision) {
        const { scope } = current
        const reader = scope.reader()
        current.decision = scope.writing
          ? Promise.resolve(true)
          : reader === undefined || options.windowMs === 0
            ? Promise.resolve(false)
            : wroteRecently(reader)
      }
      return current.decision
    },
  }
}
