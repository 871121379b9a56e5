import { sql, type Kysely } from 'kysely'
import { isMysql } from '../dialect.js'

/** One row per scheduled or manual job run: when, where, outcome and what it changed. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const mysql = isMysql(db)
  let table = db.schema.createTable('headline_job_run')
  table = mysql
    ? table.addColumn('run_id', 'bigint', (c) => c.unsigned().primaryKey().autoIncrement())
    : table.addColumn('run_id', 'integer', (c) => c.primaryKey().autoIncrement())
  table = table
    .addColumn('job', 'varchar(40)', (c) => c.notNull())
    .addColumn('cause', 'varchar(16)', (c) => c.notNull())
    .addColumn('node', 'varchar(100)', (c) => c.notNull())
    .addColumn('start_time', 'datetime', (c) => c.notNull())
    .addColumn('end_time', 'datetime')
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('changes', 'text')
    .addColumn('error', 'varchar(500)')
  if (mysql) table = table.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`)
  await table.execute()
  await db.schema
    .createIndex('headline_job_run_job')
    .on('headline_job_run')
    .columns(['job', 'start_time'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('headline_job_run').execute()
}
