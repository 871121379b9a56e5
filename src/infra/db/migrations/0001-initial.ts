import { sql, type CreateTableBuilder, type Kysely } from 'kysely'
import { isMysql } from '../dialect.js'

type Table = CreateTableBuilder<string, never>

/** The original schema's tables that the app, mp and mis read, plus Headline's embedded stores. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const mysql = isMysql(db)
  const now = sql`CURRENT_TIMESTAMP`
  // An existing deployment of the original already has these tables: adopt them as they are.
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
  const timestamps = (table: Table) =>
    table
      .addColumn('create_time', 'datetime', (c) => c.notNull().defaultTo(now))
      .addColumn('update_time', 'datetime', (c) => c.notNull().defaultTo(now))
  const flag = (table: Table, column: string, value: number) =>
    table.addColumn(column, mysql ? sql`tinyint(1)` : 'integer', (c) =>
      c.notNull().defaultTo(value),
    )
  const count = (table: Table, column: string) =>
    table.addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
  const index = async (name: string, table: string, columns: string[], unique = false) => {
    if (existing.has(table)) return
    const builder = db.schema.createIndex(name).on(table).columns(columns)
    await (unique ? builder.unique() : builder).execute()
  }

  await create('user_basic', (t) => {
    t = t
      .addColumn('user_id', 'bigint', (c) => c.primaryKey())
      .addColumn('account', 'varchar(20)')
      .addColumn('email', 'varchar(20)')
    t = flag(t, 'status', 1)
      .addColumn('mobile', 'char(11)', (c) => c.notNull())
      .addColumn('password', 'varchar(93)')
      .addColumn('user_name', 'varchar(32)', (c) => c.notNull())
      .addColumn('profile_photo', 'varchar(128)')
      .addColumn('last_login', 'datetime')
    t = flag(flag(t, 'is_media', 0), 'is_verified', 0)
      .addColumn('introduction', 'varchar(60)')
      .addColumn('certificate', 'varchar(30)')
    for (const c of ['article_count', 'following_count', 'fans_count', 'like_count', 'read_count'])
      t = count(t, c)
    return timestamps(t)
  })
  await index('user_basic_mobile', 'user_basic', ['mobile'], true)
  await index('user_basic_user_name', 'user_basic', ['user_name'], true)

  await create('user_profile', (t) => {
    t = t.addColumn('user_id', 'bigint', (c) => c.primaryKey())
    t = flag(t, 'gender', 0)
      .addColumn('birthday', 'date')
      .addColumn('real_name', 'varchar(32)')
      .addColumn('id_number', 'varchar(20)')
      .addColumn('id_card_front', 'varchar(128)')
      .addColumn('id_card_back', 'varchar(128)')
      .addColumn('id_card_handheld', 'varchar(128)')
      .addColumn('register_media_time', 'datetime')
      .addColumn('area', 'varchar(20)')
      .addColumn('company', 'varchar(20)')
      .addColumn('career', 'varchar(20)')
    return timestamps(t)
  })

  await create('user_relation', (t) => {
    t = serial(t, 'relation_id')
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('target_user_id', 'bigint', (c) => c.notNull())
    return timestamps(flag(t, 'relation', 0))
  })
  await index('user_relation_user_target', 'user_relation', ['user_id', 'target_user_id'], true)
  await index('user_relation_target', 'user_relation', ['target_user_id'])

  await create('news_channel', (t) => {
    t = t
      .addColumn('channel_id', 'integer', (c) => c.primaryKey())
      .addColumn('channel_name', 'varchar(32)', (c) => c.notNull())
      .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    return timestamps(flag(flag(t, 'is_visible', 0), 'is_default', 0))
  })
  await index('news_channel_name', 'news_channel', ['channel_name'], true)

  await create('news_user_channel', (t) => {
    t = serial(t, 'user_channel_id')
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('channel_id', 'integer', (c) => c.notNull())
    t = flag(t, 'is_deleted', 0).addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
    return timestamps(t)
  })
  await index(
    'news_user_channel_user_channel',
    'news_user_channel',
    ['user_id', 'channel_id'],
    true,
  )

  await create('global_announcement', (t) => {
    t = serial(t, 'announcement_id')
      .addColumn('title', 'varchar(32)', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
    return timestamps(flag(t, 'status', 0).addColumn('publish_time', 'datetime'))
  })

  await create('news_article_basic', (t) => {
    t = t
      .addColumn('article_id', 'bigint', (c) => c.primaryKey())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('channel_id', 'integer', (c) => c.notNull())
      .addColumn('title', 'varchar(128)', (c) => c.notNull())
      .addColumn('cover', mysql ? 'json' : 'text', (c) => c.notNull())
    t = flag(flag(t, 'is_advertising', 0), 'status', 0)
      .addColumn('reviewer_id', 'bigint')
      .addColumn('review_time', 'datetime')
      .addColumn('delete_time', 'datetime')
      .addColumn('reject_reason', 'varchar(200)')
    return timestamps(flag(count(t, 'comment_count'), 'allow_comment', 1))
  })
  await index('news_article_basic_user', 'news_article_basic', ['user_id'])
  await index('news_article_basic_status', 'news_article_basic', ['status', 'channel_id'])

  await create('news_article_content', (t) =>
    t
      .addColumn('article_id', 'bigint', (c) => c.primaryKey())
      .addColumn('content', mysql ? sql`longtext` : 'text', (c) => c.notNull()),
  )

  await create('news_article_statistic', (t) => {
    t = t.addColumn('article_id', 'bigint', (c) => c.primaryKey())
    for (const c of [
      'read_count',
      'like_count',
      'dislike_count',
      'repost_count',
      'collect_count',
      'fans_comment_count',
    ])
      t = count(t, c)
    return t
  })

  await create('news_collection', (t) => {
    t = serial(t, 'collection_id')
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('article_id', 'bigint', (c) => c.notNull())
    return timestamps(flag(t, 'is_deleted', 0))
  })
  await index('news_collection_user_article', 'news_collection', ['user_id', 'article_id'], true)

  await create('news_attitude', (t) => {
    t = serial(t, 'attitude_id')
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('article_id', 'bigint', (c) => c.notNull())
      .addColumn('attitude', mysql ? sql`tinyint(1)` : 'integer')
    return timestamps(t)
  })
  await index('news_attitude_user_article', 'news_attitude', ['user_id', 'article_id'], true)

  await create('news_report', (t) => {
    t = serial(t, 'report_id')
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('article_id', 'bigint', (c) => c.notNull())
    return timestamps(flag(t, 'type', 0).addColumn('remark', 'varchar(200)'))
  })
  await index('news_report_user_article', 'news_report', ['user_id', 'article_id'], true)

  await create('news_comment', (t) => {
    t = t
      .addColumn('comment_id', 'bigint', (c) => c.primaryKey())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('article_id', 'bigint', (c) => c.notNull())
      .addColumn('parent_id', 'bigint')
    t = count(count(t, 'like_count'), 'reply_count').addColumn('content', 'varchar(200)', (c) =>
      c.notNull(),
    )
    return timestamps(flag(flag(t, 'is_top', 0), 'status', 1))
  })
  await index('news_comment_article', 'news_comment', ['article_id'])
  await index('news_comment_parent', 'news_comment', ['parent_id'])

  await create('news_comment_liking', (t) => {
    t = serial(t, 'liking_id')
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addColumn('comment_id', 'bigint', (c) => c.notNull())
    return timestamps(flag(t, 'is_deleted', 0))
  })
  await index(
    'news_comment_liking_user_comment',
    'news_comment_liking',
    ['user_id', 'comment_id'],
    true,
  )

  await create('headline_counter', (t) =>
    t
      .addColumn('name', 'varchar(40)', (c) => c.notNull())
      .addColumn('member', 'bigint', (c) => c.notNull())
      .addColumn('score', 'bigint', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('headline_counter_pk', ['name', 'member']),
  )

  await create('headline_sms_code', (t) =>
    t
      .addColumn('scope', 'varchar(8)', (c) => c.notNull())
      .addColumn('mobile', 'char(11)', (c) => c.notNull())
      .addColumn('code', 'char(6)', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('headline_sms_code_pk', ['scope', 'mobile']),
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'headline_sms_code',
    'headline_counter',
    'news_comment_liking',
    'news_comment',
    'news_report',
    'news_attitude',
    'news_collection',
    'news_article_statistic',
    'news_article_content',
    'news_article_basic',
    'global_announcement',
    'news_user_channel',
    'news_channel',
    'user_relation',
    'user_profile',
    'user_basic',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
