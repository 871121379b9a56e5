import type { SortedSetStore } from './sorted-sets.js'

/**
 * One kind of a user's history as the original keeps it (read articles, search keywords): a
 * sorted set per user, `user:{id}:his:{name}`, scored by unix seconds and capped at the newest
 * `size` members.
 */
export function userHistory(name: string, size: number) {
  const key = (userId: bigint) => `user:${userId}:his:${name}`
  return {
    /** Records `member` as used at `nowMs`, dropping the oldest beyond `size`. */
    add: (store: SortedSetStore, userId: bigint, member: string, nowMs = Date.now()) =>
      store.addCapped(key(userId), member, nowMs / 1000, size),
    /** Members newest first, ranks `start` to `stop` inclusive (-1: to the oldest). */
    newest: async (store: SortedSetStore, userId: bigint, start = 0, stop = -1) =>
      (await store.rangeDesc(key(userId), start, stop)).map((m) => m.member),
    /** How many members there are. */
    count: (store: SortedSetStore, userId: bigint) => store.count(key(userId)),
    /** Forgets every member. */
    clear: (store: SortedSetStore, userId: bigint) => store.clear(key(userId)),
  }
}
