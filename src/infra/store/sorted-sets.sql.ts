import { CompiledQuery, sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { isMysql } from '../db/dialect.js'
import { upsert } from '../db/upsert.js'
import type { SortedSetStore } from './sorted-sets.js'

type Db = Kysely<Database>

// A rank bound written into the statement's text, so only ever an integer.
const int = (n: number) => {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer rank: ${n}`)
  return sql.lit(n)
}

/**
 * Sorted sets in the `headline_sorted_set` table (embedded mode). A set with a TTL has the
 * expiry on each row; expired rows are invisible at once and deleted by the next write to the
 * set or by `purgeSortedSets`.
 */
export function sqlSortedSets(db: Db, now: () => number = Date.now): SortedSetStore {
  const members = (trx: Db, key: string) =>
    trx
      .selectFrom('headline_sorted_set')
      .where('set_key', '=', key)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now())]))
  // Range reads are built once per pair of bounds (feeds read the same two ranges on every
  // page) and run with the key and the time put in place of these two.
  const KEY = '\u0000key'
  const NOW = -1
  const ranges = new Map<string, CompiledQuery>()
  const rangeQuery = (start: number, stop: number) => {
    const bounds = `${start}:${stop}`
    let compiled = ranges.get(bounds)
    if (compiled) return compiled
    let query = db
      .selectFrom('headline_sorted_set')
      .where('set_key', '=', KEY)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', NOW)]))
      .select(['member', 'score'])
      .orderBy('score', 'desc')
      .orderBy('member', 'desc')
    // Bounds as literals (SQLite runs this statement about ten times slower with a bound LIMIT);
    // an offset needs a limit in MySQL.
    if (stop >= 0) query = query.limit(int(stop - start + 1))
    else if (start > 0) query = query.limit(int(1_000_000))
    if (start > 0) query = query.offset(int(start))
    compiled = query.compile()
    if (ranges.size >= 64) ranges.clear()
    ranges.set(bounds, compiled)
    return compiled
  }
  return {
    async add(key, member, score, ttlSeconds) {
      const entries = [[member, score]] as const
      if (ttlSeconds === undefined) return writeMembers(db, key, entries, {}, now)
      await db.transaction().execute((trx) => writeMembers(trx, key, entries, { ttlSeconds }, now))
    },
    async addCapped(key, member, score, keep, ttlSeconds) {
      const options = { keep, ttlSeconds }
      await db
        .transaction()
        .execute((trx) => writeMembers(trx, key, [[member, score]], options, now))
    },
    async remove(key, list) {
      if (list.length === 0) return
      await db
        .deleteFrom('headline_sorted_set')
        .where('set_key', '=', key)
        .where('member', 'in', list)
        .execute()
    },
    async score(key, member) {
      const row = await members(db, key)
        .select('score')
        .where('member', '=', member)
        .executeTakeFirst()
      return row ? Number(row.score) : null
    },
    async count(key) {
      const row = await members(db, key)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },
    async rangeDesc(key, start, stop) {
      if (stop >= 0 && stop < start) return []
      const { sql: text, parameters } = rangeQuery(start, stop)
      const values = parameters.map((p) => (p === KEY ? key : p === NOW ? now() : p))
      const { rows } = await db.executeQuery<{ member: string; score: number | string | bigint }>(
        CompiledQuery.raw(text, values),
      )
      return rows.map((row) => ({ member: row.member, score: Number(row.score) }))
    },
    async clear(key) {
      await db.deleteFrom('headline_sorted_set').where('set_key', '=', key).execute()
    },
  }
}

/**
 * Adds members (ZADD), then keeps the `keep` highest-scored ones (ZREMRANGEBYRANK) and sets the
 * whole set's TTL (EXPIRE) when given, in the caller's transaction (the write-behind flush writes
 * many sets in one). A write with a TTL to an expired set starts a new one, as in Redis: old rows
 * must not come back. Sets written without a TTL (histories) never hold expiring rows.
 */
export async function writeMembers(
  trx: Db,
  key: string,
  entries: readonly (readonly [member: string, score: number])[],
  options: { keep?: number; ttlSeconds?: number },
  now: () => number = Date.now,
): Promise<void> {
  const at = now()
  const { keep, ttlSeconds } = options
  if (ttlSeconds !== undefined) {
    await trx
      .deleteFrom('headline_sorted_set')
      .where('set_key', '=', key)
      .where('expires_at', '<=', at)
      .execute()
  }
  for (const [member, score] of entries) {
    await upsert(
      trx,
      'headline_sorted_set',
      { set_key: key, member, score },
      ['set_key', 'member'],
      {
        score,
      },
    ).execute()
  }
  if (keep !== undefined) {
    const overflow = await trx
      .selectFrom('headline_sorted_set')
      .where('set_key', '=', key)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
      .select('member')
      .orderBy('score', 'desc')
      .orderBy('member', 'desc')
      .limit(int(1_000_000))
      .offset(int(keep))
      .execute()
    if (overflow.length > 0) {
      await trx
        .deleteFrom('headline_sorted_set')
        .where('set_key', '=', key)
        .where(
          'member',
          'in',
          overflow.map((row) => row.member),
        )
        .execute()
    }
  }
  if (ttlSeconds !== undefined) {
    await trx
      .updateTable('headline_sorted_set')
      .set({ expires_at: at + ttlSeconds * 1000 })
      .where('set_key', '=', key)
      .execute()
  }
}

/** One set's members to write, as `writeMembers` takes them. */
export interface SetWrite {
  key: string
  members: readonly (readonly [member: string, score: number])[]
  keep?: number
  ttlSeconds?: number
}

// Rows per multi-row statement (3 parameters each; far below SQLite's and MySQL's limits).
const ROWS_PER_STATEMENT = 300

/**
 * `writeMembers` of many sets in the caller's transaction (the write-behind flush), with the same
 * outcome: capped sets one by one, the others in a few statements for all of them (expired rows
 * deleted, members upserted, then each TTL set on its whole set).
 */
export async function writeSets(
  trx: Db,
  sets: readonly SetWrite[],
  now: () => number = Date.now,
): Promise<void> {
  const at = now()
  const plain: SetWrite[] = []
  for (const set of sets) {
    if (set.keep === undefined) plain.push(set)
    else await writeMembers(trx, set.key, set.members, set, () => at)
  }
  const byTtl = new Map<number, string[]>()
  for (const { key, ttlSeconds } of plain) {
    if (ttlSeconds !== undefined) byTtl.set(ttlSeconds, [...(byTtl.get(ttlSeconds) ?? []), key])
  }
  const expiring = [...byTtl.values()].flat()
  for (const keys of chunks(expiring, ROWS_PER_STATEMENT)) {
    await trx
      .deleteFrom('headline_sorted_set')
      .where('set_key', 'in', keys)
      .where('expires_at', '<=', at)
      .execute()
  }
  const rows = plain.flatMap(({ key, members }) =>
    members.map(([member, score]) => ({ set_key: key, member, score })),
  )
  for (const chunk of chunks(rows, ROWS_PER_STATEMENT)) {
    const insert = trx.insertInto('headline_sorted_set').values(chunk)
    await (
      isMysql(trx as Kysely<unknown>)
        ? insert.onDuplicateKeyUpdate({ score: sql<number>`values(score)` })
        : insert.onConflict((oc) =>
            oc
              .columns(['set_key', 'member'])
              .doUpdateSet({ score: (eb) => eb.ref('excluded.score') }),
          )
    ).execute()
  }
  for (const [ttlSeconds, keys] of byTtl) {
    for (const chunk of chunks(keys, ROWS_PER_STATEMENT)) {
      await trx
        .updateTable('headline_sorted_set')
        .set({ expires_at: at + ttlSeconds * 1000 })
        .where('set_key', 'in', chunk)
        .execute()
    }
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Deletes the rows of expired sets. */
export async function purgeSortedSets(db: Db, nowMs = Date.now()): Promise<number> {
  const { numDeletedRows } = await db
    .deleteFrom('headline_sorted_set')
    .where('expires_at', '<=', nowMs)
    .executeTakeFirst()
  return Number(numDeletedRows)
}
