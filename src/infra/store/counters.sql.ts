import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { upsert } from '../db/upsert.js'
import { toId, toInt } from '../db/values.js'
import type { CounterStore } from './counters.js'

/** Counters in the `headline_counter` table (embedded mode). */
export function sqlCounters(db: Kysely<Database>): CounterStore {
  const table = db.selectFrom('headline_counter')
  return {
    async get(name, id) {
      const row = await table
        .select('score')
        .where('name', '=', name)
        .where('member', '=', id.toString())
        .executeTakeFirst()
      return toInt(row?.score)
    },
    async getMany(name, ids) {
      if (ids.length === 0) return []
      const rows = await table
        .select(['member', 'score'])
        .where('name', '=', name)
        .where(
          'member',
          'in',
          ids.map((id) => id.toString()),
        )
        .execute()
      const scores = new Map(rows.map((row) => [toId(row.member), toInt(row.score)]))
      return ids.map((id) => scores.get(id) ?? 0)
    },
    async getEach(names, id) {
      if (names.length === 0) return []
      const rows = await table
        .select(['name', 'score'])
        .where('name', 'in', names)
        .where('member', '=', id.toString())
        .execute()
      const scores = new Map(rows.map((row) => [row.name, toInt(row.score)]))
      return names.map((name) => scores.get(name) ?? 0)
    },
    async incr(name, id, by = 1) {
      return db.transaction().execute(async (trx) => {
        await upsert(
          trx,
          'headline_counter',
          { name, member: id.toString(), score: by },
          ['name', 'member'],
          { score: sql`score + ${by}` },
        ).execute()
        const row = await trx
          .selectFrom('headline_counter')
          .select('score')
          .where('name', '=', name)
          .where('member', '=', id.toString())
          .executeTakeFirstOrThrow()
        return toInt(row.score)
      })
    },
    async reset(name, counts) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('headline_counter').where('name', '=', name).execute()
        const rows = [...counts]
          .filter(([, score]) => score !== 0)
          .map(([id, score]) => ({ name, member: id.toString(), score }))
        for (let i = 0; i < rows.length; i += 500) {
          await trx
            .insertInto('headline_counter')
            .values(rows.slice(i, i + 500))
            .execute()
        }
      })
    },
  }
}
