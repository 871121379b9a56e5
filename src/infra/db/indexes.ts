import { sql, type Kysely } from 'kysely'
import { isMysql } from './dialect.js'

/** An index: name, table, columns. */
export type IndexSpec = [name: string, table: string, columns: string[]]

/** Creates the indexes not there yet (an adopted schema may have some of them already). */
export async function createIndexes(db: Kysely<unknown>, indexes: readonly IndexSpec[]) {
  // MySQL 8 has no CREATE INDEX IF NOT EXISTS.
  const existing = new Set<string>()
  if (isMysql(db)) {
    const rows = await sql<{ name: string }>`SELECT DISTINCT index_name AS name
      FROM information_schema.statistics WHERE table_schema = DATABASE()`.execute(db)
    for (const row of rows.rows) existing.add(row.name)
  }
  for (const [name, table, columns] of indexes) {
    if (existing.has(name)) continue
    const index = db.schema.createIndex(name).on(table).columns(columns)
    await (isMysql(db) ? index : index.ifNotExists()).execute()
  }
}

export async function dropIndexes(db: Kysely<unknown>, indexes: readonly IndexSpec[]) {
  for (const [name, table] of indexes) await db.schema.dropIndex(name).on(table).execute()
}
