import type { Insertable, Kysely, UpdateObject } from 'kysely'
import { isMysql } from './dialect.js'
import type { Database } from './schema.js'

/** INSERT … ON CONFLICT DO UPDATE (SQLite) / ON DUPLICATE KEY UPDATE (MySQL) on a unique key. */
export function upsert<TB extends keyof Database>(
  db: Kysely<Database>,
  table: TB,
  values: Insertable<Database[TB]>,
  uniqueKey: readonly (keyof Database[TB] & string)[],
  update: UpdateObject<Database, TB, TB>,
) {
  // Kysely's builders cannot be narrowed to one generic table; the signature keeps callers typed.
  const insert = db.insertInto(table).values(values as never)
  if (isMysql(db as Kysely<unknown>)) return insert.onDuplicateKeyUpdate(update as never)
  return insert.onConflict((oc) => oc.columns(uniqueKey as never).doUpdateSet(update as never))
}
