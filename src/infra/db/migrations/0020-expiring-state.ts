import { sql, type Kysely } from 'kysely'
import { isMysql } from '../dialect.js'

/**
 * Embedded state that must not grow forever: wrong tries per SMS code, windowed rate-limit
 * counters, and an expiry per sorted-set row (anonymous devices' feed state lives for days).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('headline_sms_code')
    .addColumn('tries', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()

  let counters = db.schema
    .createTable('headline_rate_counter')
    .addColumn('counter_key', 'varchar(191)', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
  if (isMysql(db)) counters = counters.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`)
  await counters.execute()
  await db.schema
    .createIndex('headline_rate_counter_expiry')
    .on('headline_rate_counter')
    .column('expires_at')
    .execute()

  await db.schema.alterTable('headline_sorted_set').addColumn('expires_at', 'bigint').execute()
  await db.schema
    .createIndex('headline_sorted_set_expiry')
    .on('headline_sorted_set')
    .column('expires_at')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('headline_sorted_set_expiry').on('headline_sorted_set').execute()
  await db.schema.alterTable('headline_sorted_set').dropColumn('expires_at').execute()
  await db.schema.dropTable('headline_rate_counter').execute()
  await db.schema.alterTable('headline_sms_code').dropColumn('tries').execute()
}
