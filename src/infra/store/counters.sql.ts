import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { isMysql } from '../db/dialect.js'
import { upsert } from '../db/upsert.js'
import { toId, toInt } from '../db/values.js'
import type { CounterName, CounterStore } from './counters.js'

const increment = (db: Kysely<Database>, name: CounterName, id: bigint, by: number) =>
  upsert(db, 'headline_counter', { name, member: id.toString(), score: by }, ['name', 'member'], {
    score: sql`score + ${by}`,
  }).execute()

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
        await increment(trx, name, id, by)
        const row = await trx
          .selectFrom('headline_counter')
          .select('score')
          .where('name', '=', name)
          .where('member', '=', id.toString())
          .executeTakeFirstOrThrow()
        return toInt(row.score)
      })
    },
    async add(name, id, by = 1) {
      await increment(db, name, id, by)
    },
    async scan(name, cursor, limit) {
      let query = table
        .select(['member', 'score'])
        .where('name', '=', name)
        .orderBy('member')
        .limit(limit)
      if (cursor !== undefined) query = query.where('member', '>', cursor)
      const rows = await query.execute()
      const entries = rows.map((row): [bigint, number] => [toId(row.member), toInt(row.score)])
      const last = entries.at(-1)
      return { entries, next: rows.length < limit || !last ? null : last[0].toString() }
    },
    async setMany(name, writes) {
      if (writes.length === 0) return 0
      return db.transaction().execute(async (trx) => {
        const members = writes.map((w) => w.id.toString())
        let read = trx
          .selectFrom('headline_counter')
          .select(['member', 'score'])
          .where('name', '=', name)
          .where('member', 'in', members)
        if (isMysql(db as unknown as Kysely<unknown>)) read = read.forUpdate()
        const rows = await read.execute()
        const current = new Map(rows.map((row) => [toId(row.member), toInt(row.score)]))
        const due = writes.filter((w) => (current.get(w.id) ?? 0) === w.expected)
        const removed = due.filter((w) => w.value === 0).map((w) => w.id.toString())
        if (removed.length > 0) {
          await trx
            .deleteFrom('headline_counter')
            .where('name', '=', name)
            .where('member', 'in', removed)
            .execute()
        }
        for (const w of due.filter((w) => w.value !== 0)) {
          const row = { name, member: w.id.toString(), score: w.value }
          await upsert(trx, 'headline_counter', row, ['name', 'member'], {
            score: w.value,
          }).execute()
        }
        return due.length
      })
    },
  }
}
