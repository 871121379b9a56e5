import { EventEmitter } from 'node:events'
import { BentoCache, bentostore, errors as cacheErrors } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import type { Logger } from 'pino'
import type { RedisClient } from '../redis/redis.js'
import type { Metrics } from '../metrics.js'
import { redisLoadLease } from './load-lease.js'
import { createFillGuard } from './fill-guard.js'
import { resilientRedisBus } from './redis-bus.js'
import { guardedRedisDriver } from './redis-l2.js'
import { bigintJson } from './serializer.js'
import { drawTtlMs, type EntryPolicy } from './ttl.js'

/** A load that outlasted the cache's hard timeout (a database too slow to answer in time). */
export const isCacheLoadTimeout = (error: unknown): boolean =>
  error instanceof cacheErrors.E_FACTORY_HARD_TIMEOUT

/** The multi-level cache every feature reads through. */
export interface Cache {
  /**
   * The cached value of `key`, or `load()` run once for all concurrent callers (single flight).
   * A `null` from `load` means "does not exist" and is cached for `policy.missing` only.
   */
  getOrLoad<T>(key: string, policy: EntryPolicy, load: () => Promise<T | null>): Promise<T | null>
  /** Removes entries from every layer and every node's L1; call after the write commits. */
  delete(...keys: string[]): Promise<void>
  /**
   * Changes with every delete reaching this node (its own or another node's) and every clear:
   * text built from entries read at one version may be served again while the version holds,
   * for as long as an answer may be read from the front (FRONT_MS).
   */
  version(): number
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
  /** A load running longer fails the callers waiting for it (503 to clients); default 5 s. */
  loadTimeoutMs?: number
}

// A stale entry may still be served for this long after its TTL when reloading it fails
// (database down). bentocache keeps an entry for its grace period in all, TTL included.
const GRACE_MS = 6 * 3600_000
// Beyond this many deletes missed during a Redis outage, the whole L2 is cleared on recovery.
const MAX_MISSED_DELETES = 10_000
// The front: values answered in the last second, read without going through bentocache (whose
// per-call option building costs more than the rest of a cached read). Deletes, local or from the
// bus, drop them like L1 entries; a value is never held longer than its own TTL.
/** How long an answer is read from the front of the cache. */
export const FRONT_MS = 1000
const FRONT_MAX_ITEMS = 20_000

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
    let uncached = 0
    return {
      getOrLoad: (_key, policy, load) => timedLoad(policy, load),
      delete: async () => undefined,
      // Nothing is cached: nothing built from it is served twice.
      version: () => ++uncached,
      close: async () => undefined,
    }
  }

  const emitter = new EventEmitter()
  for (const event of ['hit', 'miss'] as const) {
    emitter.on(`cache:${event}`, (data: { layer?: string }) =>
      metrics.cacheEvents.inc({ event, layer: data.layer ?? 'l1' }),
    )
  }
  // bentocache 1.6 copies L2 hits into L1 still serialized, which an unserialized L1 cannot read
  // back (Julien-R44/bentocache#111): with an L2, L1 keeps serialized entries too.
  const serializeL1 = options.redis !== undefined
  // Deletes that could not reach Redis are replayed once it is back, or a node would later
  // read the value from before the write out of L2.
  const missed = new Set<string>()
  let clearOnRecovery = false
  const rememberMissed = (keys: string[]) => {
    for (const key of keys) missed.add(key)
    if (missed.size > MAX_MISSED_DELETES) {
      missed.clear()
      clearOnRecovery = true
    }
  }
  const front = createFront(metrics.cacheEvents.labels({ event: 'hit', layer: 'l1' }))
  const guard = createFillGuard()
  const l1 = memoryDriver({ maxItems: options.maxItems ?? 50_000, serialize: serializeL1 })
  let l1Driver: ReturnType<typeof l1.factory> | undefined
  let store = bentostore().useL1Layer({
    options: l1.options,
    factory: (config) => (l1Driver = l1.factory(config)),
  })
  if (options.redis) {
    const hooks = {
      onMissedDelete: rememberMissed,
      generationOf: (key: string) => guard.generationOf(key),
      onRefused: (key: string) => guard.refused(key),
    }
    const l2 = guardedRedisDriver(options.redis, options.prefix, hooks, (driver) =>
      guard.readGenerations(driver),
    )
    store = store.useL2Layer(l2)
    if (options.busRedis) {
      // Deletes published while this node's bus was away never reach it: its L1 goes.
      const forgetL1 = () => {
        guard.invalidate(null)
        front.drop(null)
        l1Driver?.clear()
      }
      store = store.useBus(resilientRedisBus(options.busRedis, options.log, forgetL1))
    }
  }
  // A value whose load a delete overtook leaves this node's L1 as soon as it was stored.
  emitter.on('cache:written', ({ key }: { key: string }) => {
    if (guard.settle(key)) l1Driver?.delete(key)
  })
  emitter.on(
    'bus:message:received',
    ({ message }: { message: { keys: string[]; type: string } }) => {
      if (message.type === 'delete') guard.invalidate(message.keys)
      if (message.type === 'clear') guard.invalidate(null)
      front.drop(message.type === 'delete' ? message.keys : null)
    },
  )
  const bento = new BentoCache({
    default: 'main',
    stores: { main: store },
    emitter,
    serializer: bigintJson,
    grace: GRACE_MS,
    graceBackoff: '10s',
    suppressL2Errors: true,
    timeout: 0,
    hardTimeout: options.loadTimeoutMs ?? 5000,
    logger: options.log.child({ component: 'cache' }),
  })

  const log = options.log.child({ component: 'cache' })
  const replayMissed = async () => {
    if (clearOnRecovery) {
      clearOnRecovery = false
      log.warn('redis is back; clearing the cache after too many missed deletes')
      guard.invalidate(null)
      front.drop(null)
      await bento.clear().catch((error: unknown) => {
        clearOnRecovery = true
        log.error({ err: error }, 'cache clear failed')
      })
    }
    if (missed.size === 0) return
    const keys = [...missed]
    missed.clear()
    log.info({ keys: keys.length }, 'redis is back; replaying cache deletes it missed')
    // A failing replay hands its keys back through the driver.
    guard.invalidate(keys)
    await bento.deleteMany({ keys })
  }
  const onReady = () => {
    replayMissed().catch((error: unknown) =>
      log.error({ err: error }, 'cache delete replay failed'),
    )
  }
  options.redis?.on('ready', onReady)
  // Single flight across nodes: bentocache's lock covers one process; a Redis lease covers the
  // cluster, so a cold hot key costs one load rather than one per node.
  const lease = options.redis ? redisLoadLease(options.redis) : undefined
  const peekShared = <T>(key: string) =>
    bento.get<T | null | undefined>({ key, grace: false }) as Promise<T | null | undefined>

  return {
    async getOrLoad<T>(key: string, policy: EntryPolicy, load: () => Promise<T | null>) {
      const held = front.get<T>(key)
      if (held) return held.value
      const epoch = front.epoch()
      const ttl = drawTtlMs(policy.ttl)
      const value = await bento.getOrSet<T | null>({
        key,
        ttl,
        grace: ttl + GRACE_MS,
        factory: async (ctx) => {
          await guard.begin(key)
          try {
            const filled = lease
              ? await lease.fill(
                  key,
                  () => peekShared<T>(key),
                  () => timedLoad(policy, load),
                  (loaded) => loaded !== null || Boolean(policy.missing),
                )
              : { value: await timedLoad(policy, load), loadedHere: true }
            // Another node stored it: keep it in L1 without writing L2 or notifying again.
            const shared = filled.loadedHere ? {} : { skipL2Write: true, skipBusNotify: true }
            if (filled.value !== null) {
              if (!filled.loadedHere) ctx.setOptions(shared)
              return filled.value
            }
            if (!policy.missing) {
              guard.abandon(key)
              return ctx.skip() ?? null
            }
            ctx.setOptions({ ttl: drawTtlMs(policy.missing), ...shared })
            return null
          } catch (error) {
            guard.abandon(key)
            throw error
          }
        },
      })
      const answer = value ?? null
      if (answer !== null || policy.missing) front.set(key, answer, epoch, ttl)
      return answer
    },
    async delete(...keys: string[]) {
      if (keys.length === 0) return
      front.drop(keys)
      guard.invalidate(keys)
      await Promise.all([bento.deleteMany({ keys }), lease?.forget(keys)])
    },
    version: () => front.epoch(),
    async close() {
      options.redis?.off('ready', onReady)
      // Quitting a connection that never came up rejects; the process is stopping either way.
      await bento.disconnectAll().catch((error: unknown) => log.warn({ err: error }, 'cache close'))
    },
  }
}

/** The front layer of `createCache`: a bounded map of recent answers, dropped by deletes. */
function createFront(hits: { inc(): void }) {
  const entries = new Map<string, { value: unknown; until: number }>()
  // Bumped by every delete: an answer loaded across a delete is not kept (it may be older).
  let epoch = 0
  return {
    epoch: () => epoch,
    get<T>(key: string): { value: T | null } | undefined {
      const entry = entries.get(key)
      if (!entry) return undefined
      if (entry.until < Date.now()) return void entries.delete(key)
      hits.inc()
      return entry as { value: T | null }
    },
    set(key: string, value: unknown, since: number, ttlMs: number) {
      if (since !== epoch) return
      if (entries.size >= FRONT_MAX_ITEMS) entries.clear()
      entries.set(key, { value, until: Date.now() + Math.min(FRONT_MS, ttlMs) })
    },
    drop(keys: readonly string[] | null) {
      epoch++
      if (keys === null) entries.clear()
      else for (const key of keys) entries.delete(key)
    },
  }
}
