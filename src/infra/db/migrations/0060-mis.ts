import { sql, type CreateTableBuilder, type Kysely } from 'kysely'
import { isMysql } from '../dialect.js'

type Table = CreateTableBuilder<string, never>

/**
 * The admin tables of the original (`mis_*`), created only where
 * missing so that an existing deployment's tables are adopted as they are.
 */
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
  const flag = (column: string, value: number) => (table: Table) =>
    table.addColumn(column, mysql ? sql`tinyint(1)` : 'integer', (c) =>
      c.notNull().defaultTo(value),
    )
  const created = (table: Table) =>
    table.addColumn('create_time', 'datetime', (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
  const timestamps = (table: Table) =>
    created(table).addColumn('update_time', 'datetime', (c) =>
      c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`),
    )
  const unique = async (table: string, name: string, columns: string[]) => {
    if (!existing.has(table))
      await db.schema.createIndex(name).on(table).columns(columns).unique().execute()
  }

  await create('mis_administrator_group', (t) =>
    timestamps(
      flag(
        'status',
        1,
      )(serial(t, 'group_id').addColumn('name', 'varchar(20)', (c) => c.notNull())).addColumn(
        'remark',
        'varchar(100)',
      ),
    ),
  )
  await unique('mis_administrator_group', 'mis_administrator_group_name', ['name'])

  await create('mis_administrator', (t) =>
    timestamps(
      flag(
        'status',
        1,
      )(
        serial(t, 'administrator_id')
          .addColumn('account', 'varchar(20)', (c) => c.notNull())
          .addColumn('password', 'varchar(93)', (c) => c.notNull())
          .addColumn('name', 'varchar(20)', (c) => c.notNull())
          .addColumn('email', 'varchar(30)')
          .addColumn('mobile', 'varchar(20)')
          .addColumn('group_id', 'bigint', (c) => c.notNull())
          .addColumn('access_count', 'bigint', (c) => c.notNull().defaultTo(0)),
      ).addColumn('last_login', 'datetime'),
    ),
  )
  await unique('mis_administrator', 'mis_administrator_account', ['account'])

  await create('mis_permission', (t) =>
    timestamps(
      flag(
        'type',
        1,
      )(serial(t, 'permission_id').addColumn('name', 'varchar(50)', (c) => c.notNull()))
        .addColumn('parent_id', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('code', 'varchar(50)')
        .addColumn('sequence', 'integer', (c) => c.defaultTo(0)),
    ),
  )
  await unique('mis_permission', 'mis_permission_name', ['name'])

  await create('mis_group_permission', (t) =>
    created(
      serial(t, 'group_permission_id')
        .addColumn('group_id', 'bigint', (c) => c.notNull())
        .addColumn('permission_id', 'bigint', (c) => c.notNull()),
    ),
  )
  await unique('mis_group_permission', 'mis_group_permission_pair', ['group_id', 'permission_id'])

  await create('mis_operation_log', (t) =>
    created(
      serial(t, 'operation_log_id')
        .addColumn('administrator_id', 'bigint', (c) => c.notNull())
        .addColumn('ip', 'varchar(45)', (c) => c.notNull())
        .addColumn('operation', 'varchar(50)')
        .addColumn('description', 'varchar(200)', (c) => c.notNull()),
    ),
  )
  if (!existing.has('mis_operation_log'))
    await db.schema
      .createIndex('mis_operation_log_time')
      .on('mis_operation_log')
      .columns(['create_time'])
      .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'mis_operation_log',
    'mis_group_permission',
    'mis_permission',
    'mis_administrator',
    'mis_administrator_group',
  ])
    await db.schema.dropTable(table).ifExists().execute()
}
