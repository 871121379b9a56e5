import { sql, type CreateTableBuilder, type Kysely } from 'kysely'
import { isMysql } from '../dialect.js'

type Table = CreateTableBuilder<string, never>

/**
 * The media platform's tables: the original's material library (`user_material`) and sensitive
 * words (`recommend_sensitive_word`), adopted when they exist, plus Headline's record of which
 * sensitive words a submitted article contains (`headline_article_sensitive_hit`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const mysql = isMysql(db)
  const now = sql`CURRENT_TIMESTAMP`
  const existing = new Set((await db.introspection.getTables()).map((t) => t.name))
  const create = async (name: string, build: (table: Table) => Table) => {
    if (existing.has(name)) return false
    let table = build(db.schema.createTable(name) as Table)
    if (mysql) table = table.modifyEnd(sql`ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`)
    await table.execute()
    return true
  }
  const serial = (table: Table, column: string) =>
    mysql
      ? table.addColumn(column, 'bigint', (c) => c.unsigned().primaryKey().autoIncrement())
      : table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement())
  const small = (table: Table, column: string, value: number) =>
    table.addColumn(column, mysql ? sql`tinyint` : 'integer', (c) => c.notNull().defaultTo(value))
  const timestamps = (table: Table) =>
    table
      .addColumn('create_time', 'datetime', (c) => c.notNull().defaultTo(now))
      .addColumn('update_time', 'datetime', (c) => c.notNull().defaultTo(now))

  const material = await create('user_material', (t) => {
    t = serial(t, 'material_id').addColumn('user_id', 'bigint', (c) => c.notNull())
    t = small(t, 'type', 0)
      .addColumn('hash', 'varchar(128)', (c) => c.notNull())
      .addColumn('url', 'varchar(128)', (c) => c.notNull())
    t = small(t, 'status', 1)
      .addColumn('reviewer_id', 'bigint')
      .addColumn('review_time', 'datetime')
    return timestamps(small(t, 'is_collected', 0))
  })
  if (material) {
    await db.schema
      .createIndex('user_material_user_hash')
      .on('user_material')
      .columns(['user_id', 'hash'])
      .unique()
      .execute()
  }

  const words = await create('recommend_sensitive_word', (t) => {
    t = serial(t, 'id')
      .addColumn('word', 'varchar(40)', (c) => c.notNull())
      .addColumn('weights', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('hold_count', 'integer', (c) => c.notNull().defaultTo(0))
    return timestamps(t)
  })
  if (words) {
    await db.schema
      .createIndex('recommend_sensitive_word_word')
      .on('recommend_sensitive_word')
      .columns(['word'])
      .unique()
      .execute()
  }

  await create('headline_article_sensitive_hit', (t) =>
    t
      .addColumn('article_id', 'bigint', (c) => c.notNull())
      .addColumn('word', 'varchar(40)', (c) => c.notNull())
      .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('create_time', 'datetime', (c) => c.notNull().defaultTo(now))
      .addPrimaryKeyConstraint('headline_article_sensitive_hit_pk', ['article_id', 'word']),
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('headline_article_sensitive_hit').ifExists().execute()
}
