import { sql, type Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { Database } from '../db/schema.js'
import { upsert } from '../db/upsert.js'
import { bucket, hourOf, increments, type ActivityStore } from './activity.js'
import type { CounterName, CounterStore } from './counters.js'
import { writeSets } from './sorted-sets.sql.js'
import type { SortedSetStore } from './sorted-sets.js'

/**
 * The stores with the writes every article open or feed page makes (read counts, reading history,
 * activity, the recommender's shown pages) held in memory and written behind. Embedded: all in one
 * transaction per `flushMs` (WRITE_BEHIND_MS) instead of a transaction each per request, stored
 * counts held for a second between writes (HOLD_MS). Redis (`write-behind.redis.ts`): what one
 * tick gathered leaves in the next, summed per key. Reads see pending writes: counts add them,
 * and a set or an hour with writes pending is flushed before it is read. `close` writes what is
 * left.
 */
export interface WriteBehind {
  readonly counters: CounterStore
  /** `counters` reading the store every time, never a held count (for the counter repair). */
  readonly storedCounters: CounterStore
  readonly sortedSets: SortedSetStore
  readonly activity: ActivityStore
  /** Writes everything pending now; a failed write keeps it pending for the next flush. */
  flush(): Promise<void>
  /** Stops the timer and writes what is pending. */
  close(): Promise<void>
}

/** One set's pending members (score), how many it keeps and its TTL, as the last write gave them. */
export interface PendingSet {
  keep?: number
  ttlSeconds?: number
  members: Map<string, number>
}

/** What is held in memory, waiting to be written. */
export interface Pending {
  /** Counter deltas per counter and id (decimal: callers may hold small ids as numbers). */
  counts: Map<CounterName, Map<string, number>>
  /** Members (score) to add per set, how many it keeps and its TTL, as the last write gave them. */
  sets: Map<string, PendingSet>
  /** Activity per bucket set and member: a count to add, or `mark` (score set to 1). */
  activity: Map<string, Map<string, number | 'mark'>>
}

const empty = (): Pending => ({ counts: new Map(), sets: new Map(), activity: new Map() })
const isEmpty = (p: Pending) => p.counts.size + p.sets.size + p.activity.size === 0

const addTo = <K>(map: Map<K, number>, key: K, by: number) => map.set(key, (map.get(key) ?? 0) + by)

function mergeInto(target: Pending, source: Pending) {
  for (const [name, ids] of source.counts) {
    const into = target.counts.get(name) ?? new Map<string, number>()
    for (const [id, by] of ids) addTo(into, id, by)
    target.counts.set(name, into)
  }
  for (const [key, set] of source.sets) {
    // Newer members win: they were added after the ones that failed to be written.
    const newer = target.sets.get(key)
    target.sets.set(key, {
      ...set,
      ...newer,
      members: new Map([...set.members, ...(newer?.members ?? [])]),
    })
  }
  for (const [key, members] of source.activity) {
    const into = target.activity.get(key) ?? new Map<string, number | 'mark'>()
    for (const [member, value] of members) addActivity(into, member, value)
    target.activity.set(key, into)
  }
}

/** Adds an activity write to a bucket's pending members. */
export function addActivity(
  into: Map<string, number | 'mark'>,
  member: string,
  value: number | 'mark',
) {
  const held = into.get(member)
  if (value === 'mark') into.set(member, held ?? 'mark')
  else into.set(member, (typeof held === 'number' ? held : 0) + value)
}

async function write(trx: Kysely<Database>, pending: Pending, now: () => number) {
  for (const [name, ids] of pending.counts) {
    for (const [id, by] of ids) {
      if (by === 0) continue
      const row = { name, member: id, score: by }
      await upsert(trx, 'headline_counter', row, ['name', 'member'], {
        score: sql`score + ${by}`,
      }).execute()
    }
  }
  const sets = [...pending.sets].map(([key, { members, ...options }]) => ({
    key,
    members: [...members],
    ...options,
  }))
  await writeSets(trx, sets, now)
  for (const [key, members] of pending.activity) {
    for (const [member, value] of members) {
      const row = { set_key: key, member, score: value === 'mark' ? 1 : value }
      const update = value === 'mark' ? { score: 1 } : { score: sql<number>`score + ${value}` }
      await upsert(trx, 'headline_sorted_set', row, ['set_key', 'member'], update).execute()
    }
  }
}

// Stored counts read in the last second are read again from memory: a page of cards asks for
// three counts per card, a page of comments two per comment. This process forgets the counts it
// writes; with Redis, other nodes' changes reach it as a new cache version (`version`), and the
// counter repair of a separate `jobs` process shows within the second.
const HOLD_MS = 1000
const HOLD_MAX_ITEMS = 50_000

type Held = ReturnType<typeof heldCounts>

function heldCounts(version: () => number) {
  const held = new Map<string, { count: number; until: number; version: number }>()
  // Bumped by every write: a count read across a write is not kept.
  let generation = 0
  const key = (name: CounterName, id: bigint | string) => `${name}|${id}`
  return {
    /** Forgets the counts of `written` (counter → decimal ids), or every count. */
    forget: (written?: Pending['counts']) => {
      generation++
      if (!written) return held.clear()
      for (const [name, ids] of written) for (const id of ids.keys()) held.delete(key(name, id))
    },
    /** Counts of the pairs: held ones from memory, the others from `readMissing` (by index). */
    async read(
      pairs: readonly (readonly [CounterName, bigint])[],
      readMissing: (missing: number[]) => Promise<number[]>,
    ): Promise<number[]> {
      const at = Date.now()
      const since = generation
      const seen = version()
      const counts: number[] = []
      const missing: number[] = []
      pairs.forEach(([name, id], i) => {
        const entry = held.get(key(name, id))
        if (entry && entry.until > at && entry.version === seen) counts[i] = entry.count
        else missing.push(i)
      })
      if (missing.length === 0) return counts
      const read = await readMissing(missing)
      if (held.size > HOLD_MAX_ITEMS) held.clear()
      missing.forEach((index, j) => {
        counts[index] = read[j]!
        const [name, id] = pairs[index]!
        if (since === generation) {
          held.set(key(name, id), { count: read[j]!, until: at + HOLD_MS, version: seen })
        }
      })
      return counts
    },
  }
}

/**
 * Writes what was pending. `issued()` is called once reads that start later see the writes (from
 * then on, counts stop adding them). A rejection keeps everything pending for the next flush.
 */
export type PendingWriter = (pending: Pending, issued: () => void) => Promise<void>

/** The stores a write-behind wraps. */
export interface BehindStores {
  counters: CounterStore
  sortedSets: SortedSetStore
  activity: ActivityStore
}

// Without holding: every read goes to the store.
const passThrough: Held = {
  forget: () => undefined,
  read: (_pairs, readMissing) => readMissing(_pairs.map((_pair, i) => i)),
}

/** Wraps the embedded SQL stores; `db` is the database they write to. */
export function writeBehind(
  db: Kysely<Database>,
  stores: BehindStores,
  log: Logger,
  options: { flushMs: number; now?: () => number },
): WriteBehind {
  const now = options.now ?? Date.now
  const writer: PendingWriter = (taken, issued) =>
    db.transaction().execute(async (trx) => {
      await write(trx, taken, now)
      issued()
    })
  return createWriteBehind(stores, writer, log, { flushMs: options.flushMs, holdCounts: true, now })
}

/** How a write-behind writes and holds counts. */
export interface WriteBehindOptions {
  /** Between flushes; 0: none on a clock, `flushAfterMs` after the first write pending instead. */
  flushMs: number
  /** With `flushMs` 0: how long after the first write pending it is written (0: next tick). */
  flushAfterMs?: number
  /** Stored counts read are held for HOLD_MS. */
  holdCounts: boolean
  /** Held counts are valid while this is unchanged (other nodes' changes move it). */
  version?: () => number
  /** Tells every node that counts changed (after an increment or a repair). */
  announce?: () => Promise<void>
  /** The store answers commands in the order sent (one Redis connection). */
  ordered?: boolean
  now?: () => number
}

/**
 * The write-behind around `stores`, writing with `writer`: every `flushMs`, or with `flushMs` 0
 * `flushAfterMs` after the first write pending.
 */
export function createWriteBehind(
  stores: BehindStores,
  writer: PendingWriter,
  log: Logger,
  options: WriteBehindOptions,
): WriteBehind {
  const now = options.now ?? Date.now
  let pending = empty()
  // Being written: counts still add it until its writes are issued, so that a read between the
  // take and then sees them once.
  let inflight: Pending | null = null
  let chain: Promise<void> = Promise.resolve()
  // Without a clock: the writes of every request answered until the flush leave together.
  let scheduled = false
  // On an ordered store, set writes resolve once their flush has sent them: a reply that waits
  // for that reaches its client after the write reached Redis, so another node shows it at once.
  let sent: { promise: Promise<void>; resolve: () => void } | undefined
  const whenSent = () => {
    if (!sent) {
      let resolve = () => undefined as void
      const promise = new Promise<void>((done) => (resolve = done))
      sent = { promise, resolve }
    }
    return sent.promise
  }
  const writePending = async () => {
    scheduled = false
    const batch = sent
    sent = undefined
    if (isEmpty(pending)) return batch?.resolve()
    const taken = (inflight = pending)
    pending = empty()
    try {
      await writer(taken, () => {
        inflight = null
        held.forget(taken.counts)
        batch?.resolve()
      })
    } catch (error) {
      batch?.resolve()
      inflight = null
      log.warn({ err: error }, 'written-behind writes failed; kept for the next flush')
      mergeInto(pending, taken)
      throw error
    }
  }
  const flush = () => (chain = chain.catch(() => undefined).then(writePending))
  const flushQuietly = () => void flush().catch(() => undefined)
  const timer = options.flushMs > 0 ? setInterval(flushQuietly, options.flushMs) : undefined
  timer?.unref()
  const pendingNow = () => {
    if (timer || scheduled) return
    scheduled = true
    const after = options.flushAfterMs ?? 0
    if (after === 0) setImmediate(flushQuietly)
    else setTimeout(flushQuietly, after).unref()
  }

  const delta = (name: CounterName, id: bigint) => {
    const mine = pending.counts.get(name)
    const theirs = inflight?.counts.get(name)
    // Most reads are of counters with nothing pending: no id to write out.
    if (!mine && !theirs) return 0
    const key = id.toString()
    return (mine?.get(key) ?? 0) + (theirs?.get(key) ?? 0)
  }
  const { counters: c, sortedSets: s, activity: a } = stores
  const held = options.holdCounts ? heldCounts(options.version ?? (() => 0)) : passThrough
  const announce = async () => {
    await options
      .announce?.()
      .catch((error: unknown) => log.warn({ err: error }, 'count change not announced'))
  }
  // Pending counts added to stored ones: taken when the read is sent on an ordered connection
  // (Redis: the read sees exactly the writes sent before it), else when it is answered (SQLite:
  // a read queues behind a flush's transaction).
  const withDeltas = async (
    via: Held,
    pairs: readonly (readonly [CounterName, bigint])[],
    read: (missing: number[]) => Promise<number[]>,
  ) => {
    const early = options.ordered ? pairs.map(([name, id]) => delta(name, id)) : undefined
    const counts = await via.read(pairs, read)
    const deltas = early ?? pairs.map(([name, id]) => delta(name, id))
    return counts.map((count, i) => count + deltas[i]!)
  }
  const reads = (via: Held): Pick<CounterStore, 'get' | 'getMany' | 'getEach'> => ({
    get: async (name, id) =>
      (await withDeltas(via, [[name, id]], async () => [await c.get(name, id)]))[0]!,
    getMany: (name, ids) =>
      withDeltas(
        via,
        ids.map((id) => [name, id] as const),
        (missing) =>
          c.getMany(
            name,
            missing.map((i) => ids[i]!),
          ),
      ),
    getEach: (names, id) =>
      withDeltas(
        via,
        names.map((name) => [name, id] as const),
        (missing) =>
          c.getEach(
            missing.map((i) => names[i]!),
            id,
          ),
      ),
  })
  const counters: CounterStore = {
    ...reads(held),
    incr: async (name, id, by = 1) => {
      held.forget()
      const early = options.ordered ? delta(name, id) : undefined
      const count = await c.incr(name, id, by)
      held.forget()
      await announce()
      return count + (early ?? delta(name, id))
    },
    async add(name, id, by = 1) {
      const ids = pending.counts.get(name) ?? new Map<string, number>()
      pending.counts.set(name, addTo(ids, id.toString(), by))
      pendingNow()
    },
    scan: async (name, cursor, limit) => (await flush(), c.scan(name, cursor, limit)),
    setMany: async (name, writes) => {
      await flush()
      held.forget()
      const written = await c.setMany(name, writes).finally(() => held.forget())
      await announce()
      return written
    },
  }

  // A set with members pending is written before anything else touches it.
  const settled = async (key: string) => {
    if (pending.sets.has(key)) await flush()
  }
  const waitForSend = options.ordered === true
  const hold = async (
    key: string,
    member: string,
    score: number,
    options: Omit<PendingSet, 'members'>,
  ) => {
    if (pending.sets.has(key) && pending.sets.get(key)?.ttlSeconds !== options.ttlSeconds) {
      await flush()
    }
    const set = pending.sets.get(key) ?? { members: new Map<string, number>() }
    if (options.keep !== undefined) set.keep = options.keep
    set.ttlSeconds = options.ttlSeconds
    set.members.set(member, score)
    pending.sets.set(key, set)
    pendingNow()
    if (waitForSend) await whenSent()
  }
  const sortedSets: SortedSetStore = {
    add: (key, member, score, ttlSeconds) => hold(key, member, score, { ttlSeconds }),
    addCapped: (key, member, score, keep, ttlSeconds) =>
      hold(key, member, score, { keep, ttlSeconds }),
    remove: async (key, members) => (await settled(key), s.remove(key, members)),
    score: async (key, member) => (await settled(key), s.score(key, member)),
    count: async (key) => (await settled(key), s.count(key)),
    rangeDesc: async (key, start, stop) => (await settled(key), s.rangeDesc(key, start, stop)),
    clear: async (key) => (await settled(key), s.clear(key)),
  }

  const activity: ActivityStore = {
    async record(event, nowMs = now()) {
      const hour = hourOf(nowMs)
      for (const [part, member, op] of increments(event)) {
        const key = bucket(hour, part)
        const members = pending.activity.get(key) ?? new Map<string, number | 'mark'>()
        addActivity(members, member, op === 'incr' ? 1 : 'mark')
        pending.activity.set(key, members)
      }
      pendingNow()
    },
    hour: async (hour) => (await flush(), a.hour(hour)),
    forgetBefore: async (hour) => (await flush(), a.forgetBefore(hour)),
  }

  return {
    counters,
    storedCounters: { ...counters, ...reads(passThrough) },
    sortedSets,
    activity,
    flush,
    async close() {
      if (timer) clearInterval(timer)
      await flush().catch((error: unknown) =>
        log.error({ err: error }, 'written-behind writes lost at shutdown'),
      )
    },
  }
}
