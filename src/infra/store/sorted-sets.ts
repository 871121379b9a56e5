/** One member of a sorted set with its score. */
export interface Scored {
  member: string
  score: number
}

/**
 * Redis sorted sets, the shape of the original's persistent data (reading and search history,
 * pinned articles): Redis itself in production, an SQL table when embedded.
 */
export interface SortedSetStore {
  /** Sets the score of `member` (ZADD); with `ttlSeconds`, the whole set then expires (EXPIRE). */
  add(key: string, member: string, score: number, ttlSeconds?: number): Promise<void>
  /**
   * Adds `member`, then keeps only the `keep` highest-scored members (ZADD + ZREMRANGEBYRANK);
   * with `ttlSeconds`, the whole set then expires (EXPIRE).
   */
  addCapped(
    key: string,
    member: string,
    score: number,
    keep: number,
    ttlSeconds?: number,
  ): Promise<void>
  /** Removes members (ZREM). */
  remove(key: string, members: readonly string[]): Promise<void>
  /** The score of `member`, or null (ZSCORE). */
  score(key: string, member: string): Promise<number | null>
  /** Number of members (ZCARD). */
  count(key: string): Promise<number>
  /** Members from rank `start` to `stop` inclusive, highest score first (ZREVRANGE WITHSCORES). */
  rangeDesc(key: string, start: number, stop: number): Promise<Scored[]>
  /** Removes the whole set (DEL). */
  clear(key: string): Promise<void>
}
