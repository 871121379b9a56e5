import { TOMBSTONE_MS } from './redis-l2.js'

/** A load of a cold entry on this node, from before it reads until its value is stored. */
interface Fill {
  startedAt: number
  /** The key's L2 generation when the load began; null without L2 or when it could not be read. */
  generation: string | null
  /** A delete of the key reached this node (its own write or the bus) while loading. */
  invalidated: boolean
  /** L2 refused the value: a delete came after the load began, on some node. */
  refused: boolean
}

/**
 * Keeps a load that began before a delete from leaving its value behind that delete (the
 * read-then-set race: a reader loads the old list, a writer deletes the key, the reader stores
 * the old list). L2 writes are conditional on the key's generation (see redis-l2.ts); this
 * tracks the node's fills so the L1 copy of a refused or overtaken value is dropped as well.
 */
export interface FillGuard {
  /** Where L2 generations are read from (unset: no L2). */
  readGenerations(layer: { generation(key: string): Promise<string> }): void
  /** Before a load of `key`: notes its generation (bentocache runs one fill per key per node). */
  begin(key: string): Promise<void>
  /** The load stored nothing (it failed or found nothing to cache). */
  abandon(key: string): void
  /** For the L2 write: the generation the fill began at, or null when it must not be written. */
  generationOf(key: string): string | null
  /** L2 refused the value of `key`. */
  refused(key: string): void
  /** After the value of `key` was stored: true when its L1 copy must be dropped. */
  settle(key: string): boolean
  /** Deletes of `keys` (null: all) reached this node. */
  invalidate(keys: readonly string[] | null): void
}

/** A load that took longer than this may have outlived the tombstones it must be checked against. */
const MAX_FILL_MS = TOMBSTONE_MS / 2

/** The guard of one cache instance. */
export function createFillGuard(now: () => number = Date.now): FillGuard {
  const fills = new Map<string, Fill>()
  const tooOld = (fill: Fill) => now() - fill.startedAt > MAX_FILL_MS
  let l2: { generation(key: string): Promise<string> } | undefined
  return {
    readGenerations: (layer) => void (l2 = layer),
    async begin(key) {
      const fill: Fill = { startedAt: now(), generation: null, invalidated: false, refused: false }
      fills.set(key, fill)
      if (l2) fill.generation = await l2.generation(key).catch(() => null)
    },
    abandon: (key) => void fills.delete(key),
    generationOf(key) {
      const fill = fills.get(key)
      return !fill || fill.invalidated || tooOld(fill) ? null : fill.generation
    },
    refused(key) {
      const fill = fills.get(key)
      if (fill) fill.refused = true
    },
    settle(key) {
      const fill = fills.get(key)
      if (!fill) return false
      fills.delete(key)
      return fill.invalidated || fill.refused || tooOld(fill)
    },
    invalidate(keys) {
      if (keys === null) for (const fill of fills.values()) fill.invalidated = true
      else for (const key of keys) if (fills.has(key)) (fills.get(key) as Fill).invalidated = true
    },
  }
}
