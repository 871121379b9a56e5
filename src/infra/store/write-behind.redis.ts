import type { Logger } from 'pino'
import type { RedisClient } from '../redis/redis.js'
import { writeBucket } from './activity.js'
import type { CounterStore } from './counters.js'
import {
  createWriteBehind,
  type BehindStores,
  type PendingSet,
  type PendingWriter,
  type WriteBehind,
  type WriteBehindOptions,
} from './write-behind.js'

/**
 * The Redis stores with an article open's writes (read counts, reading history, activity) and a
 * feed page's shown pages gathered per tick: what the requests answered in one turn of the event
 * loop wrote leaves in the next, in one write to Redis: one command per counter member (summed,
 * through `counts.add`) and a few plain commands per set and per activity bucket, under the
 * original's keys. A set or bucket write Redis refuses is logged and dropped, as before. `close`
 * (and `flush`) write what is pending, so a graceful stop loses nothing. Counts read are held for
 * a second, while `counts.version` holds: an increment or a repair on any node announces itself
 * through `counts.announce`, which moves every node's version.
 */
export function redisWriteBehind(
  redis: RedisClient,
  stores: BehindStores,
  log: Logger,
  counts: Pick<WriteBehindOptions, 'version' | 'announce'> & {
    /** Where summed counts go at the flush (should remember what Redis refuses). */
    add: CounterStore['add']
  },
): WriteBehind {
  const writer: PendingWriter = async (pending, issued) => {
    const writes: Promise<unknown>[] = []
    for (const [name, ids] of pending.counts) {
      for (const [id, by] of ids) if (by !== 0) writes.push(counts.add(name, BigInt(id), by))
    }
    for (const [key, set] of pending.sets) writes.push(writeSet(redis, key, set))
    for (const [key, members] of pending.activity) writes.push(writeBucket(redis, key, members))
    // One connection runs commands in order: a read sent from now on sees these writes.
    issued()
    for (const result of await Promise.allSettled(writes)) {
      if (result.status === 'rejected') {
        log.warn({ err: result.reason }, 'written-behind Redis write lost')
      }
    }
  }
  return createWriteBehind(stores, writer, log, {
    ...counts,
    // In the next tick: another node shows a read at once (a wider window of 10 ms was not).
    flushMs: 0,
    flushAfterMs: 0,
    holdCounts: true,
    ordered: true,
  })
}

/**
 * ZADD of the members, then ZREMRANGEBYRANK to keep the newest and EXPIRE. Plain commands, not a
 * transaction: they leave with the tick's other commands in one write (auto-pipelining), and
 * Redis runs them in order; a reader between two of them may see the set one member over its cap.
 */
function writeSet(redis: RedisClient, key: string, set: PendingSet) {
  const scored = [...set.members].flatMap(([member, score]) => [score, member])
  const writes: Promise<unknown>[] = [redis.zadd(key, ...scored)]
  if (set.keep !== undefined) writes.push(redis.zremrangebyrank(key, 0, -(set.keep + 1)))
  if (set.ttlSeconds !== undefined) writes.push(redis.expire(key, set.ttlSeconds))
  return Promise.all(writes)
}
