import type { Logger } from 'pino'

/** The original's counter sorted sets (`count:*`), member = id, score = count. */
export const COUNTERS = {
  userArticles: 'count:user:arts',
  userFollowings: 'count:user:followings',
  userFollowers: 'count:user:followers',
  userLiked: 'count:user:liked',
  articleReading: 'count:art:reading',
  userArticlesReading: 'count:user:arts:reading',
  articleCollecting: 'count:art:collecting',
  userArticleCollecting: 'count:user:art:collecting',
  articleDislike: 'count:art:dislike',
  articleLiking: 'count:art:liking',
  commentLiking: 'count:comm:liking',
  articleComments: 'count:art:comm',
  commentReplies: 'count:art:reply',
} as const

export type CounterName = (typeof COUNTERS)[keyof typeof COUNTERS]

/** Persistent counters: Redis sorted sets in production, an SQL table when embedded. */
export interface CounterStore {
  /** The count of `id`, 0 when never counted. */
  get(name: CounterName, id: bigint): Promise<number>
  /** The counts of several ids, in the order given. */
  getMany(name: CounterName, ids: readonly bigint[]): Promise<number[]>
  /** One id's counts in several counters, in the order given (a profile's four counts). */
  getEach(names: readonly CounterName[], id: bigint): Promise<number[]>
  /** Adds `by` (may be negative) and returns the new count. */
  incr(name: CounterName, id: bigint, by?: number): Promise<number>
  /** Adds `by` without reading the count back (read counts: may be written behind). */
  add(name: CounterName, id: bigint, by?: number): Promise<void>
  /** A page of stored members (any order) after `cursor` (start with `undefined`); `next` null at the end. */
  scan(name: CounterName, cursor: string | undefined, limit: number): Promise<CounterPage>
  /**
   * Writes each `value` only where the stored count still equals `expected` (0 when absent), so
   * increments that land meanwhile are never overwritten; a value of 0 removes the member.
   * Returns how many were written.
   */
  setMany(name: CounterName, writes: readonly CounterWrite[]): Promise<number>
}

/** One page of a counter's members and counts. */
export interface CounterPage {
  entries: [bigint, number][]
  next: string | null
}

/** A compare-and-set of one member's count (the repair job's correction). */
export interface CounterWrite {
  id: bigint
  expected: number
  value: number
}

/**
 * The store, calling `changed(id)` after every write to one of `names` (succeeded or not), so
 * that what was derived from those counts can be dropped: a profile's counts held in a cache.
 */
export function watchedCounters(
  store: CounterStore,
  names: readonly CounterName[],
  changed: (id: bigint) => Promise<void>,
): CounterStore {
  const watched = new Set<CounterName>(names)
  const after = async <T>(name: CounterName, ids: readonly bigint[], write: Promise<T>) => {
    if (!watched.has(name)) return write
    try {
      return await write
    } finally {
      await Promise.all(ids.map(changed))
    }
  }
  return {
    ...store,
    incr: (name, id, by) => after(name, [id], store.incr(name, id, by)),
    add: (name, id, by) => after(name, [id], store.add(name, id, by)),
    setMany: (name, writes) =>
      after(
        name,
        writes.map((w) => w.id),
        store.setMany(name, writes),
      ),
  }
}

/** Increments dropped while the store was down, per counter and id (summed). */
export type MissedIncrements = Map<CounterName, Map<bigint, number>>

/** Adds the increments of `b` to `a` and returns `a`. */
export function mergeMissed(a: MissedIncrements, b: MissedIncrements): MissedIncrements {
  for (const [name, ids] of b) {
    const into = a.get(name) ?? new Map<bigint, number>()
    for (const [id, by] of ids) into.set(id, (into.get(id) ?? 0) + by)
    a.set(name, into)
  }
  return a
}

/** The counter store the app uses: reads never below 0, and it remembers dropped increments. */
export interface TolerantCounterStore extends CounterStore {
  /** The store itself, failures and negative counts included, no count held (the repair job's). */
  readonly raw: CounterStore
  /** Returns the increments dropped since the last call and forgets them. */
  takeMissed(): MissedIncrements
}

/**
 * Reads answer 0 and increments are dropped (and logged) while the store is down, so a
 * Redis outage slows nothing and fails no request; the counter repair puts them right later.
 */
export function tolerantCounters(store: CounterStore, log: Logger): TolerantCounterStore {
  const warn = (error: unknown, op: string, name: string) =>
    log.warn({ err: error, counter: name }, `counter ${op} failed; degraded`)
  // A count below 0 is always wrong (a decrement that landed on a lost counter): show 0.
  const floor = (n: number) => Math.max(0, n)
  let missed: MissedIncrements = new Map()
  const remember = (name: CounterName, id: bigint, by: number) => {
    const ids = missed.get(name) ?? new Map<bigint, number>()
    missed.set(name, ids.set(id, (ids.get(id) ?? 0) + by))
  }
  return {
    raw: store,
    get: (name, id) =>
      store.get(name, id).then(floor, (error: unknown) => (warn(error, 'read', name), 0)),
    getMany: (name, ids) =>
      store.getMany(name, ids).then(
        (counts) => counts.map(floor),
        (error: unknown) => (warn(error, 'read', name), ids.map(() => 0)),
      ),
    getEach: (names, id) =>
      store.getEach(names, id).then(
        (counts) => counts.map(floor),
        (error: unknown) => (warn(error, 'read', names.join(',')), names.map(() => 0)),
      ),
    incr: (name, id, by = 1) =>
      store.incr(name, id, by).then(floor, (error: unknown) => {
        warn(error, 'increment', name)
        remember(name, id, by)
        return 0
      }),
    add: (name, id, by = 1) =>
      store.add(name, id, by).catch((error: unknown) => {
        warn(error, 'increment', name)
        remember(name, id, by)
      }),
    scan: (name, cursor, limit) => store.scan(name, cursor, limit),
    setMany: (name, writes) => store.setMany(name, writes),
    takeMissed() {
      const taken = missed
      missed = new Map()
      return taken
    },
  }
}
