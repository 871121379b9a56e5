import type { Kysely } from 'kysely'
import { Snowflake } from '../ids/snowflake.js'
import type { Database } from './schema.js'

/** The original's channel list (`init.sql`); 1, 2 and 18 are the default channels. */
export const SEED_CHANNELS = [
  'html',
  '开发者资讯',
  'ios',
  'c++',
  'android',
  'css',
  '数据库',
  '区块链',
  'go',
  '产品',
  '后端',
  'linux',
  '人工智能',
  'php',
  'javascript',
  '架构',
  '前端',
  'python',
  'java',
  '算法',
]
const DEFAULT_CHANNELS = new Set([1, 2, 18])

/** Demo accounts; the first is the course clients' pre-filled test mobile. */
export const SEED_USERS = [
  { mobile: '13911111111', name: '黑马头条号', intro: '每天一点技术干货', media: 1 },
  { mobile: '13611111111', name: '前端小智', intro: '专注前端与工程化', media: 1 },
  { mobile: '13711111111', name: '算法君', intro: '刷题、讲题、讲人话', media: 1 },
  { mobile: '13811111111', name: '读者小王', intro: '', media: 0 },
]

const SEED_ANNOUNCEMENTS = [
  ['欢迎使用头条', '欢迎来到头条！在这里阅读技术资讯、关注作者、参与讨论。', '2026-01-01 09:00:00'],
  ['社区公约更新', '请文明发言，尊重原创。违规内容将被处理。', '2026-03-15 10:30:00'],
  ['新功能：搜索联想', '搜索时输入拼音或首字母即可获得联想词。', '2026-06-01 08:00:00'],
] as const

// A fixed clock makes the demo ids the same on every machine, and above 2^53 like real ones.
const SEED_EPOCH_MS = Date.UTC(2026, 0, 1)

/** Loads the demo data once; tables that already hold rows are left alone. */
export async function seedDemo(db: Kysely<Database>): Promise<boolean> {
  const existing = await db.selectFrom('news_channel').select('channel_id').limit(1).execute()
  if (existing.length > 0) return false
  const ids = new Snowflake(0, 0, () => SEED_EPOCH_MS)
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('news_channel')
      .values(
        SEED_CHANNELS.map((name, i) => ({
          channel_id: i + 1,
          channel_name: name,
          sequence: i + 1,
          is_visible: 1,
          is_default: DEFAULT_CHANNELS.has(i + 1) ? 1 : 0,
        })),
      )
      .execute()
    for (const user of SEED_USERS) {
      const user_id = ids.nextId().toString()
      await trx
        .insertInto('user_basic')
        .values({
          user_id,
          mobile: user.mobile,
          user_name: user.name,
          introduction: user.intro,
          is_media: user.media,
          is_verified: user.media,
        })
        .execute()
      await trx.insertInto('user_profile').values({ user_id }).execute()
    }
    await trx
      .insertInto('global_announcement')
      .values(
        SEED_ANNOUNCEMENTS.map(([title, content, publish_time]) => ({
          title,
          content,
          status: 1,
          publish_time,
        })),
      )
      .execute()
  })
  return true
}
