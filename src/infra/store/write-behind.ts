import { sql, type Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { Database } from '../db/schema.js'
import { upsert } from '../db/upsert.js'
import { bucket, hourOf, increments, type ActivityStore } from './activity.js'
import type { CounterName, CounterStore } from './counters.js'
import { writeSets } from './sorted-sets.sql.js'
import type { SortedSetStore } from './sorted-sets.js'

/**
 * The embedded stores with the writes every article open or feed page makes (read counts, reading
 * history, activity, the recommender's shown pages) held in memory and written behind, all in one transaction per `flushMs` (WRITE_BEHIND_MS), instead of a
 * transaction each per request. Reads see pending writes: counts add them, and a set or an hour
 * with writes pending is flushed before it is read. Stored counts are held for a second between
 * writes (HOLD_MS). `close` writes what is left.
 */
export interface WriteBehind {
  readonly counters: CounterStore
  readonly sortedSets: SortedSetStore
  readonly activity: ActivityStore
  /** Writes everything pending now; a failed write keeps it pending for the next flush. */
  flush(): Promise<void>
  /** Stops the timer and writes what is pending. */
  close(): Promise<void>
}

interface PendingSet {
  keep?: number
  ttlSeconds?: number
  members: Map<string, number>
}

interface Pending {
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

function addActivity(into: Map<string, number | 'mark'>, member: string, value: number | 'mark') {
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
// three counts per card. This process writes every count, and forgets them all when it does; the
// counter repair of a separate `jobs` process shows within the second.
const HOLD_MS = 1000
const HOLD_MAX_ITEMS = 50_000

function heldCounts() {
  const held = new Map<string, { count: number; until: number }>()
  // Bumped by every write: a count read across a write is not kept.
  let generation = 0
  const key = (name: CounterName, id: bigint) => `${name}|${id}`
  return {
    forget: () => {
      generation++
      held.clear()
    },
    /** Counts of the pairs: held ones from memory, the others from `readMissing` (by index). */
    async read(
      pairs: readonly (readonly [CounterName, bigint])[],
      readMissing: (missing: number[]) => Promise<number[]>,
    ): Promise<number[]> {
      const at = Date.now()
      const since = generation
      const counts: number[] = []
      const missing: number[] = []
      pairs.forEach(([name, id], i) => {
        const entry = held.get(key(name, id))
        if (entry && entry.until > at) counts[i] = entry.count
        else missing.push(i)
      })
      if (missing.length === 0) return counts
      const read = await readMissing(missing)
      if (held.size > HOLD_MAX_ITEMS) held.clear()
      missing.forEach((index, j) => {
        counts[index] = read[j]!
        const [name, id] = pairs[index]!
        if (since === generation) held.set(key(name, id), { count: read[j]!, until: at + HOLD_MS })
      })
      return counts
    },
  }
}

/** Wraps the embedded SQL stores; `db` is the database they write to. */
export function writeBehind(
  db: Kysely<Database>,
  stores: { counters: CounterStore; sortedSets: SortedSetStore; activity: ActivityStore },
  log: Logger,
  options: { flushMs: number; now?: () => number },
): WriteBehind {
  const now = options.now ?? Date.now
  let pending = empty()
  // Being written: counts still add it until its statements have run, so that a read between
  // the take and the commit sees them once (later reads queue behind the transaction).
  let inflight: Pending | null = null
  let chain: Promise<void> = Promise.resolve()
  const writePending = async () => {
    if (isEmpty(pending)) return
    const taken = (inflight = pending)
    pending = empty()
    try {
      await db.transaction().execute(async (trx) => {
        await write(trx, taken, now)
        inflight = null
        held.forget()
      })
    } catch (error) {
      inflight = null
      log.warn({ err: error }, 'written-behind writes failed; kept for the next flush')
      mergeInto(pending, taken)
      throw error
    }
  }
  const flush = () => (chain = chain.catch(() => undefined).then(writePending))
  const timer = setInterval(() => void flush().catch(() => undefined), options.flushMs)
  timer.unref()

  const delta = (name: CounterName, id: bigint) => {
    const mine = pending.counts.get(name)
    const theirs = inflight?.counts.get(name)
    // Most reads are of counters with nothing pending: no id to write out.
    if (!mine && !theirs) return 0
    const key = id.toString()
    return (mine?.get(key) ?? 0) + (theirs?.get(key) ?? 0)
  }
  const { counters: c, sortedSets: s, activity: a } = stores
  const held = heldCounts()
  const counters: CounterStore = {
    get: async (name, id) =>
      (await held.read([[name, id]], async () => [await c.get(name, id)]))[0]! + delta(name, id),
    getMany: async (name, ids) => {
      const pairs = ids.map((id) => [name, id] as const)
      const read = (missing: number[]) =>
        c.getMany(
          name,
          missing.map((i) => ids[i]!),
        )
      return (await held.read(pairs, read)).map((count, i) => count + delta(name, ids[i]!))
    },
    getEach: async (names, id) => {
      const pairs = names.map((name) => [name, id] as const)
      const read = (missing: number[]) =>
        c.getEach(
          missing.map((i) => names[i]!),
          id,
        )
      return (await held.read(pairs, read)).map((count, i) => count + delta(names[i]!, id))
    },
    incr: async (name, id, by = 1) => {
      held.forget()
      return (await c.incr(name, id, by)) + delta(name, id)
    },
    async add(name, id, by = 1) {
      const ids = pending.counts.get(name) ?? new Map<string, number>()
      pending.counts.set(name, addTo(ids, id.toString(), by))
    },
    scan: async (name, cursor, limit) => (await flush(), c.scan(name, cursor, limit)),
    setMany: async (name, writes) => {
      await flush()
      held.forget()
      return c.setMany(name, writes).finally(held.forget)
    },
  }

  // A set with members pending is written before anything else touches it.
  const settled = async (key: string) => {
    if (pending.sets.has(key)) await flush()
  }
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
    },
    hour: async (hour) => (await flush(), a.hour(hour)),
    forgetBefore: async (hour) => (await flush(), a.forgetBefore(hour)),
  }

  return {
    counters,
    sortedSets,
    activity,
    flush,
    async close() {
      clearInterval(timer)
      await flush().catch((error: unknown) =>
        log.error({ err: error }, 'written-behind writes lost at shutdown'),
      )
    },
  }
}
