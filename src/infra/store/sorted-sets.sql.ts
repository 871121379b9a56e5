import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { upsert } from '../db/upsert.js'
import type { SortedSetStore } from './sorted-sets.js'

/** Sorted sets in the `headline_sorted_set` table (embedded mode). */
export function sqlSortedSets(db: Kysely<Database>): SortedSetStore {
  const add = (trx: Kysely<Database>, key: string, member: string, score: number) =>
    upsert(trx, 'headline_sorted_set', { set_key: key, member, score }, ['set_key', 'member'], {
      score,
    }).execute()
  const members = (trx: Kysely<Database>, key: string) =>
    trx.selectFrom('headline_sorted_set').where('set_key', '=', key)

  return {
    async add(key, member, score) {
      await add(db, key, member, score)
    },
    async addCapped(key, member, score, keep) {
      await db.transaction().execute(async (trx) => {
        await add(trx, key, member, score)
        const overflow = await members(trx, key)
          .select('member')
          .orderBy('score', 'desc')
          .orderBy('member', 'desc')
          .offset(keep)
          .limit(1_000_000)
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
      })
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
