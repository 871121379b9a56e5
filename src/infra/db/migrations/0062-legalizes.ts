import { sql, type CreateTableBuilder, type Kysely } from 'kysely'
import { isMysql } from '../dialect.js'

type Table = CreateTableBuilder<string, never>

/** The original's real-name and qualification applications, adopted when they exist. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const mysql = isMysql(db)
  const existing = new Set((await db.introspection.getTables()).map((t) => t.name))
  const create = async (name: string, build: (table: Table) => Table) => {
    if (existing.has(name)) return
    let table = build(db.schema.createTable(name) as Table)
    if (mysql) table = table.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`)
    await table.execute()
  }
  const serial = (table: Table, column: string) =>
    mysql
      ? table.addColumn(column, 'bigint', (c) => c.unsigned().primaryKey().autoIncrement())
      : table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement())
  const small = mysql ? sql`tinyint(1)` : 'integer'
  const timestamps = (table: Table) =>
    table
      .addColumn('create_time', 'datetime', (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
      .addColumn('update_time', 'datetime', (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))

  await create('user_legalize_log', (t) =>
    timestamps(
      serial(t, 'legalize_id')
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('type', small, (c) => c.notNull())
        .addColumn('status', small, (c) => c.notNull().defaultTo(1))
        .addColumn('reject_reason', 'varchar(200)')
        .addColumn('qualification_id', 'bigint', (c) => c.notNull().defaultTo(0)),
    ),
  )
  if (!existing.has('user_legalize_log'))
    await db.schema
      .createIndex('user_legalize_log_status')
      .on('user_legalize_log')
      .columns(['status'])
      .execute()

  await create('user_qualification', (t) =>
    timestamps(
      serial(t, 'qualification_id')
        .addColumn('user_id', 'bigint', (c) => c.notNull())
        .addColumn('name', 'varchar(20)', (c) => c.notNull())
        .addColumn('id_number', 'varchar(20)')
        .addColumn('industry', 'varchar(200)', (c) => c.notNull())
        .addColumn('company', 'varchar(200)', (c) => c.notNull())
        .addColumn('position', 'varchar(200)', (c) => c.notNull())
        .addColumn('add_info', 'varchar(200)')
        .addColumn('id_card_front', 'varchar(128)')
        .addColumn('id_card_back', 'varchar(128)')
        .addColumn('id_card_handheld', 'varchar(128)')
        .addColumn('qualification_img', 'varchar(128)'),
    ),
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('user_qualification').ifExists().execute()
  await db.schema.dropTable('user_legalize_log').ifExists().execute()
}
