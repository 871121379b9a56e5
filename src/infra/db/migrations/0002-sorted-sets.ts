import { sql, type Kysely } from 'kysely'
import { isMysql } from '../dialect.js'

/** Embedded stand-in for Redis sorted sets (histories, pinned articles). */
export async function up(db: Kysely<unknown>): Promise<void> {
  let table = db.schema
    .createTable('headline_sorted_set')
    .addColumn('set_key', 'varchar(100)', (c) => c.notNull())
    .addColumn('member', 'varchar(191)', (c) => c.notNull())
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('headline_sorted_set_pk', ['set_key', 'member'])
  if (isMysql(db)) table = table.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`)
  await table.execute()
  await db.schema
    .createIndex('headline_sorted_set_score')
    .on('headline_sorted_set')
    .columns(['set_key', 'score'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('headline_sorted_set').execute()
}
