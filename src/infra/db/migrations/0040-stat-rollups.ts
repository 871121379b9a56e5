import { sql, type CreateTableBuilder, type Kysely } from 'kysely'
import { isMysql } from '../dialect.js'

type Table = CreateTableBuilder<string, never>

/** The measures both rollup tables carry, one column each. */
export const ROLLUP_MEASURES = [
  'new_users',
  'active_users',
  'new_articles',
  'approved_articles',
  'new_comments',
  'article_reads',
  'searches',
] as const

/**
 * Statistics rolled up by the `stats-rollup` job: per day, per hour of a day, and search keywords
 * per day. Days and hours are local to the scheduler's time zone (JOBS_TIMEZONE).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const mysql = isMysql(db)
  const finish = (table: Table) =>
    mysql ? table.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`) : table
  const measures = (table: Table) => {
    for (const measure of ROLLUP_MEASURES) {
      table = table.addColumn(measure, 'integer', (c) => c.notNull().defaultTo(0))
    }
    return table.addColumn('update_time', 'datetime', (c) =>
      c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`),
    )
  }

  await finish(
    measures(
      db.schema
        .createTable('stat_daily')
        .addColumn('day', 'char(10)', (c) => c.primaryKey()) as Table,
    ),
  ).execute()
  await finish(
    measures(
      db.schema
        .createTable('stat_hourly')
        .addColumn('day', 'char(10)', (c) => c.notNull())
        .addColumn('hour', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('stat_hourly_pk', ['day', 'hour']) as Table,
    ),
  ).execute()
  await finish(
    db.schema
      .createTable('stat_search_keyword')
      .addColumn('day', 'char(10)', (c) => c.notNull())
      .addColumn('keyword', 'varchar(100)', (c) => c.notNull())
      .addColumn('searches', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('stat_search_keyword_pk', ['day', 'keyword']) as Table,
  ).execute()
  await db.schema
    .createIndex('stat_search_keyword_rank')
    .on('stat_search_keyword')
    .columns(['day', 'searches'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['stat_search_keyword', 'stat_hourly', 'stat_daily']) {
    await db.schema.dropTable(table).execute()
  }
}
