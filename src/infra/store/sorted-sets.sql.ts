import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { upsert } from '../db/upsert.js'
import type { SortedSetStore } from './sorted-sets.js'

type Db = Kysely<Database>

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
  // A write with a TTL to an expired set starts a new one, as in Redis: old rows must not come
  // back. Sets written without a TTL (histories) never hold expiring rows: no extra statements.
  const write = (key: string, ttlSeconds: number | undefined, body: (trx: Db) => Promise<void>) =>
    db.transaction().execute(async (trx) => {
      if (ttlSeconds === undefined) return body(trx)
      const at = now()
      await trx
        .deleteFrom('headline_sorted_set')
        .where('set_key', '=', key)
        .where('expires_at', '<=', at)
        .execute()
      await body(trx)
      await trx
        .updateTable('headline_sorted_set')
        .set({ expires_at: at + ttlSeconds * 1000 })
        .where('set_key', '=', key)
        .execute()
    })
  const add = (trx: Db, key: string, member: string, score: number) =>
    upsert(trx, 'headline_sorted_set', { set_key: key, member, score }, ['set_key', 'member'], {
      score,
    }).execute()

  return {
    async add(key, member, score, ttlSeconds) {
      if (ttlSeconds === undefined) return void (await add(db, key, member, score))
      await write(key, ttlSeconds, async (trx) => void (await add(trx, key, member, score)))
    },
    async addCapped(key, member, score, keep, ttlSeconds) {
      await write(key, ttlSeconds, (trx) => addAllCapped(trx, key, [[member, score]], keep, now))
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
      const rows = await members(db, key)
        .select(['member', 'score'])
        .orderBy('score', 'desc')
        .orderBy('member', 'desc')
        .offset(start)
        .limit(stop < 0 ? 1_000_000 : stop - start + 1)
        .execute()
      return rows.map((row) => ({ member: row.member, score: Number(row.score) }))
    },
    async clear(key) {
      await db.deleteFrom('headline_sorted_set').where('set_key', '=', key).execute()
    },
  }
}

/**
 * Adds members to a set without TTL, then keeps its `keep` highest-scored members: the body of
 * `addCapped`, run inside the caller's transaction (the write-behind flush writes many at once).
 */
export async function addAllCapped(
  trx: Db,
  key: string,
  entries: readonly (readonly [member: string, score: number])[],
  keep: number,
  now: () => number = Date.now,
): Promise<void> {
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
  const overflow = await trx
    .selectFrom('headline_sorted_set')
    .where('set_key', '=', key)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now())]))
    .select('member')
    .orderBy('score', 'desc')
    .orderBy('member', 'desc')
    .offset(keep)
    .limit(1_000_000)
    .execute()
  if (overflow.length === 0) return
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

/** Deletes the rows of expired sets. */
export async function purgeSortedSets(db: Db, nowMs = Date.now()): Promise<number> {
  const { numDeletedRows } = await db
    .deleteFrom('headline_sorted_set')
    .where('expires_at', '<=', nowMs)
    .executeTakeFirst()
  return Number(numDeletedRows)
}
