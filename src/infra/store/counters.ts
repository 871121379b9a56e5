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
  /** Replaces the whole counter with `counts` (the repair job's rebuild from SQL). */
  reset(name: CounterName, counts: ReadonlyMap<bigint, number>): Promise<void>
}

/**
 * Reads answer 0 and increments are dropped (and logged) while the store is down, so a
 * Redis outage slows nothing and fails no request; the counter repair puts them right later.
 */
export function tolerantCounters(store: CounterStore, log: Logger): CounterStore {
  const warn = (error: unknown, op: string, name: string) =>
    log.warn({ err: error, counter: name }, `counter ${op} failed; degraded`)
  return {
    get: (name, id) =>
      store.get(name, id).catch((error: unknown) => (warn(error, 'read', name), 0)),
    getMany: (name, ids) =>
      store.getMany(name, ids).catch((error: unknown) => {
        warn(error, 'read', name)
        return ids.map(() => 0)
      }),
    getEach: (names, id) =>
      store.getEach(names, id).catch((error: unknown) => {
        warn(error, 'read', names.join(','))
        return names.map(() => 0)
      }),
    incr: (name, id, by) =>
      store.incr(name, id, by).catch((error: unknown) => (warn(error, 'increment', name), 0)),
    reset: (name, counts) => store.reset(name, counts),
  }
}
