import { EventEmitter } from 'node:events'
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis'
import type { Logger } from 'pino'
import type { RedisClient } from '../redis/redis.js'
import type { Metrics } from '../metrics.js'
import { bigintJson } from './serializer.js'
import { drawTtlMs, type EntryPolicy } from './ttl.js'

/** The multi-level cache every feature reads through. */
export interface Cache {
  /**
   * The cached value of `key`, or `load()` run once for all concurrent callers (single flight).
   * A `null` from `load` means "does not exist" and is cached for `policy.missing` only.
   */
  getOrLoad<T>(key: string, policy: EntryPolicy, load: () => Promise<T | null>): Promise<T | null>
  /** Removes entries from every layer and every node's L1; call after the write commits. */
  delete(...keys: string[]): Promise<void>
  close(): Promise<void>
}

export interface CacheOptions {
  enabled: boolean
  /** Unset: in-process L1 only. */
  redis?: RedisClient
  /** The connection the invalidation bus duplicates for publishing and subscribing. */
  busRedis?: RedisClient
  /** Prefix of the L2 keys (kept apart from the persistent `count:*` data). */
  prefix: string
  metrics: Metrics
  log: Logger
  /** Entries kept in the in-process layer. */
  maxItems?: number
}

// A stale entry may still be served for this long when reloading it fails (database down).
const GRACE = '6h'

/** Builds the L1 (+ Redis L2 and bus) cache on bentocache, or a pass-through when disabled. */
export function createCache(options: CacheOptions): Cache {
  const { metrics } = options
  const timedLoad = async <T>(policy: EntryPolicy, load: () => Promise<T | null>) => {
    const end = metrics.cacheLoads.startTimer({ entry: policy.name })
    try {
      const value = await load()
      end({ outcome: value === null ? 'missing' : 'found' })
      return value
    } catch (error) {
      end({ outcome: 'error' })
      throw error
    }
  }
  if (!options.enabled) {
    return {
      getOrLoad: (_key, policy, load) => timedLoad(policy, load),
      delete: async () => undefined,
      close: async () => undefined,
    }
  }

  const emitter = new EventEmitter()
  for (const event of ['hit', 'miss'] as const) {
    emitter.on(`cache:${event}`, (data: { layer?: string }) =>
      metrics.cacheEvents.inc({ event, layer: data.layer ?? 'l1' }),
    )
  }
  let store = bentostore().useL1Layer(
    memoryDriver({ maxItems: options.maxItems ?? 50_000, serialize: false }),
  )
  if (options.redis) {
    store = store.useL2Layer(redisDriver({ connection: options.redis, prefix: options.prefix }))
    if (options.busRedis) store = store.useBus(redisBusDriver({ connection: options.busRedis }))
  }
  const bento = new BentoCache({
    default: 'main',
    stores: { main: store },
    emitter,
    serializer: bigintJson,
    grace: GRACE,
    graceBackoff: '10s',
    suppressL2Errors: true,
    timeout: 0,
    hardTimeout: '5s',
    logger: options.log.child({ component: 'cache' }),
  })

  return {
    async getOrLoad<T>(key: string, policy: EntryPolicy, load: () => Promise<T | null>) {
      const value = await bento.getOrSet<T | null>({
        key,
        ttl: drawTtlMs(policy.ttl),
        factory: async (ctx) => {
          const loaded = await timedLoad(policy, load)
          if (loaded !== null) return loaded
          if (!policy.missing) return ctx.skip() ?? null
          ctx.setOptions({ ttl: drawTtlMs(policy.missing) })
          return null
        },
      })
      return value ?? null
    },
    async delete(...keys: string[]) {
      if (keys.length > 0) await bento.deleteMany({ keys })
    },
    close: () => bento.disconnectAll(),
  }
}
