import type { Insertable } from 'kysely'
import type { Deps } from '../deps.js'
import { Snowflake } from '../infra/ids/snowflake.js'
import type { ArticleBasicTable, CommentTable, Database } from '../infra/db/schema.js'
import { msOfDateTime, sqlDateTime } from '../infra/db/values.js'
import { repairCounters } from '../jobs/counter-repair.js'
import { authorWork } from './author-work.js'
import { coverSvg } from './covers.js'
import { CHANNEL_TOPICS, COMMENTS, REPLIES, SENTENCES, TITLE_PATTERNS } from './texts.js'

/** The original's channel list (`init.sql`); 1, 2 and 18 are the default channels. */
export const SEED_CHANNELS = Object.keys(CHANNEL_TOPICS)
const DEFAULT_CHANNELS = new Set([1, 2, 18])

/** Demo accounts; the first is the course clients' pre-filled test mobile. */
export const SEED_USERS = [
  { mobile: '13911111111', name: '黑马头条号', intro: '每天一点技术干货', media: 1 },
  { mobile: '13611111111', name: '前端小智', intro: '专注前端与工程化', media: 1 },
  { mobile: '13711111111', name: '算法君', intro: '刷题、讲题、讲人话', media: 1 },
  { mobile: '13811111111', name: '读者小王', intro: '', media: 0 },
  { mobile: '13511111111', name: '架构师老李', intro: '十年后端，专注高并发', media: 1 },
  { mobile: '13311111111', name: '读者小陈', intro: '', media: 0 },
]
const AUTHORS = [0, 1, 2, 4]
const READERS = [3, 5, 0, 1]

const SEED_ANNOUNCEMENTS = [
  ['欢迎使用头条', '欢迎来到头条！在这里阅读技术资讯、关注作者、参与讨论。', '2026-01-01 09:00:00'],
  ['社区公约更新', '请文明发言，尊重原创。违规内容将被处理。', '2026-03-15 10:30:00'],
  ['新功能：搜索联想', '搜索时输入拼音或首字母即可获得联想词。', '2026-06-01 08:00:00'],
] as const

/** Channels whose first articles are pinned (`ch:{id}:art:top`). */
const PINNED_CHANNELS = [1, 2, 18]
const COVERS_PER_CHANNEL = 3

// A fixed clock and random seed make the demo the same on every machine; article and comment
// ids exceed 2^53, demo users have the original demo data's small ids (1 is 13911111111).
const SEED_EPOCH_MS = Date.UTC(2026, 0, 1)
// The newest article is an hour old, so that its comments (and all others) are in the past.
const NEWEST_AGE_MS = 60 * 60_000
// The newest article (first on 推荐 and on channel 1) gets this many comments: more than a page.
const BUSY_ARTICLE_COMMENTS = 15

export interface SeedOptions {
  /** Approved articles to write (500+ for the demo, far more for benchmarks). */
  articles?: number
  /** Time the newest article was published; older ones are spread back from it. */
  now?: Date
}

type SeedDeps = Pick<Deps, 'db' | 'storage' | 'sortedSets' | 'counters'>

/** Loads the demo data into an empty database; returns false when it already holds channels. */
export async function seedDemo(deps: SeedDeps, options: SeedOptions = {}): Promise<boolean> {
  const db = deps.db.write
  const existing = await db.selectFrom('news_channel').select('channel_id').limit(1).execute()
  if (existing.length > 0) return false
  const ids = new Snowflake(0, 0, () => SEED_EPOCH_MS)
  const random = mulberry32(20260101)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T
  const now = options.now ?? new Date()

  const userIds = SEED_USERS.map((_user, i) => BigInt(i + 1))
  const covers = await writeCovers(deps)
  const articles = writeArticles(options.articles ?? 540, userIds, covers, ids, pick, now)
  const comments = writeComments(articles.slice(0, 80), userIds, ids, pick, random)
  const work = authorWork(userIds[0] as bigint, covers.flat(), ids, now)

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
    await trx
      .insertInto('user_basic')
      .values(
        SEED_USERS.map((user, i) => ({
          user_id: String(userIds[i]),
          mobile: user.mobile,
          user_name: user.name,
          introduction: user.intro,
          is_media: user.media,
          is_verified: user.media,
        })),
      )
      .execute()
    await trx
      .insertInto('user_profile')
      .values(userIds.map((id) => ({ user_id: id.toString() })))
      .execute()
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
    for (const chunk of chunks(articles, 200)) {
      await trx
        .insertInto('news_article_basic')
        .values(chunk.map((a) => a.basic))
        .execute()
      await trx
        .insertInto('news_article_content')
        .values(chunk.map((a) => ({ article_id: a.basic.article_id, content: a.content })))
        .execute()
      await trx
        .insertInto('news_article_statistic')
        .values(chunk.map((a) => ({ article_id: a.basic.article_id })))
        .execute()
    }
    for (const article of work.articles) {
      await trx.insertInto('news_article_basic').values(article.basic).execute()
      await trx
        .insertInto('news_article_content')
        .values({ article_id: article.basic.article_id, content: article.content })
        .execute()
      await trx
        .insertInto('news_article_statistic')
        .values({ article_id: article.basic.article_id })
        .execute()
    }
    await trx.insertInto('user_material').values(work.materials).execute()
    for (const chunk of chunks(comments, 200)) {
      await trx.insertInto('news_comment').values(chunk).execute()
    }
    await writeSocial(trx, userIds, articles, comments, random)
  })

  for (const channel of PINNED_CHANNELS) {
    const firsts = articles.filter((a) => a.basic.channel_id === channel).slice(0, 2)
    for (const [rank, article] of firsts.entries()) {
      await deps.sortedSets.add(`ch:${channel}:art:top`, String(article.basic.article_id), rank)
    }
  }
  await repairCounters(deps)
  return true
}

async function writeCovers(deps: SeedDeps): Promise<string[][]> {
  const covers: string[][] = []
  for (const [i, name] of SEED_CHANNELS.entries()) {
    const keys: string[] = []
    for (let n = 0; n < COVERS_PER_CHANNEL; n++) {
      keys.push(await deps.storage.put(coverSvg(name, i + n), 'image/svg+xml'))
    }
    covers.push(keys)
  }
  return covers
}

interface SeedArticle {
  basic: Insertable<ArticleBasicTable> & { article_id: string; channel_id: number }
  content: string
}

function writeArticles(
  count: number,
  userIds: bigint[],
  covers: string[][],
  ids: Snowflake,
  pick: <T>(list: readonly T[]) => T,
  now: Date,
): SeedArticle[] {
  const articles: SeedArticle[] = []
  for (let i = 0; i < count; i++) {
    const channelIndex = i % SEED_CHANNELS.length
    const topics = CHANNEL_TOPICS[SEED_CHANNELS[channelIndex] as string] ?? []
    const t = pick(topics)
    const u = pick(topics.filter((topic) => topic !== t))
    const fill = (text: string) => text.replaceAll('{t}', t).replaceAll('{u}', u)
    const coverType = [0, 1, 3][i % 3] as 0 | 1 | 3
    const channelCovers = covers[channelIndex] ?? []
    const paragraphs = Array.from({ length: 3 + (i % 3) }, () =>
      Array.from({ length: 2 + (i % 2) }, () => fill(pick(SENTENCES))).join(''),
    )
    // Newest first: articles are spread back from `now`, about 47 minutes apart.
    const created = sqlDateTime(new Date(now.getTime() - NEWEST_AGE_MS - i * 47 * 60_000))
    articles.push({
      basic: {
        article_id: ids.nextId().toString(),
        user_id: String(userIds[AUTHORS[i % AUTHORS.length] as number]),
        channel_id: channelIndex + 1,
        title: fill(pick(TITLE_PATTERNS)),
        cover: JSON.stringify({ type: coverType, images: channelCovers.slice(0, coverType) }),
        status: 2,
        allow_comment: i % 25 === 24 ? 0 : 1,
        create_time: created,
        update_time: created,
        review_time: created,
      },
      content: paragraphs.map((p) => `<p>${p}</p>`).join('\n'),
    })
  }
  return articles
}

function writeComments(
  articles: SeedArticle[],
  userIds: bigint[],
  ids: Snowflake,
  pick: <T>(list: readonly T[]) => T,
  random: () => number,
): Insertable<CommentTable>[] {
  const comments: Insertable<CommentTable>[] = []
  for (const article of articles) {
    if (article.basic.allow_comment === 0) continue
    const base = msOfDateTime(article.basic.create_time as string)
    const count = 1 + Math.floor(random() * 4)
    for (let n = 0; n < count; n++) {
      const comment_id = ids.nextId().toString()
      const time = sqlDateTime(new Date(base + (n + 1) * 600_000))
      comments.push({
        comment_id,
        user_id: String(userIds[READERS[n % READERS.length] as number]),
        article_id: article.basic.article_id,
        parent_id: null,
        content: pick(COMMENTS),
        is_top: n === 0 && random() < 0.2 ? 1 : 0,
        create_time: time,
        update_time: time,
      })
      if (random() < 0.5) {
        const replyTime = sqlDateTime(new Date(base + (n + 1) * 600_000 + 120_000))
        comments.push({
          comment_id: ids.nextId().toString(),
          user_id: String(userIds[READERS[(n + 1) % READERS.length] as number]),
          article_id: article.basic.article_id,
          parent_id: comment_id,
          content: pick(REPLIES),
          is_top: 0,
          create_time: replyTime,
          update_time: replyTime,
        })
      }
    }
  }
  comments.push(...busyArticleComments(articles[0], comments, userIds, ids))
  return comments
}

/** Top-level comments that bring the newest article to more than one page of them. */
function busyArticleComments(
  article: SeedArticle | undefined,
  comments: Insertable<CommentTable>[],
  userIds: bigint[],
  ids: Snowflake,
): Insertable<CommentTable>[] {
  if (!article) return []
  const id = article.basic.article_id
  const existing = comments.filter((c) => c.article_id === id && !c.parent_id).length
  const base = msOfDateTime(article.basic.create_time as string)
  return Array.from({ length: Math.max(0, BUSY_ARTICLE_COMMENTS - existing) }, (_, n) => {
    // After the random ones (at most 4, 10 minutes apart), a minute apart, within the hour.
    const time = sqlDateTime(new Date(base + 41 * 60_000 + n * 60_000))
    return {
      comment_id: ids.nextId().toString(),
      user_id: String(userIds[READERS[n % READERS.length] as number]),
      article_id: id,
      parent_id: null,
      content: COMMENTS[n % COMMENTS.length] as string,
      is_top: 0,
      create_time: time,
      update_time: time,
    }
  })
}

async function writeSocial(
  trx: import('kysely').Transaction<Database>,
  userIds: bigint[],
  articles: SeedArticle[],
  comments: Insertable<CommentTable>[],
  random: () => number,
) {
  const id = (index: number) => String(userIds[index])
  const follows: [number, number][] = [
    [3, 0],
    [3, 1],
    [3, 4],
    [5, 0],
    [5, 2],
    [0, 1],
    [1, 0],
    [2, 0],
    [4, 0],
  ]
  await trx
    .insertInto('user_relation')
    .values(
      follows.map(([from, to]) => ({ user_id: id(from), target_user_id: id(to), relation: 1 })),
    )
    .execute()
  const reader = id(3)
  const liked = articles.slice(0, 40).filter(() => random() < 0.5)
  if (liked.length > 0) {
    await trx
      .insertInto('news_attitude')
      .values(liked.map((a) => ({ user_id: reader, article_id: a.basic.article_id, attitude: 1 })))
      .execute()
    await trx
      .insertInto('news_collection')
      .values(liked.slice(0, 12).map((a) => ({ user_id: reader, article_id: a.basic.article_id })))
      .execute()
  }
  const likedComments = comments.filter((c) => !c.parent_id && random() < 0.3)
  if (likedComments.length > 0) {
    await trx
      .insertInto('news_comment_liking')
      .values(likedComments.map((c) => ({ user_id: id(0), comment_id: c.comment_id })))
      .execute()
  }
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

/** A small seeded PRNG (mulberry32), so the demo content is the same on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
