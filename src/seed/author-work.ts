import { createHash } from 'node:crypto'
import type { Insertable } from 'kysely'
import type { ArticleBasicTable, MaterialTable } from '../infra/db/schema.js'
import type { Snowflake } from '../infra/ids/snowflake.js'
import { sqlDateTime } from '../infra/db/values.js'

// What the demo author has in progress, so the PC client shows every state on first start.
const WORK = [
  { status: 0, title: '草稿：Vue 3 组合式 API 入门笔记', channel: 15 },
  { status: 0, title: '草稿：一次 MySQL 慢查询排查', channel: 7 },
  { status: 1, title: '待审核：Redis 缓存穿透的三种解法', channel: 11 },
  { status: 1, title: '待审核：用 Python 写一个命令行工具', channel: 18 },
  { status: 3, title: '未通过：震惊！这个框架让你少写一半代码', channel: 17 },
  { status: 3, title: '未通过：三天精通算法（标题党示例）', channel: 20 },
] as const

/** The demo author's drafts, pending and rejected articles and material library rows. */
export function authorWork(
  authorId: bigint,
  coverKeys: readonly string[],
  ids: Snowflake,
  now: Date,
) {
  const articles = WORK.map((work, i) => {
    const created = sqlDateTime(new Date(now.getTime() - (WORK.length - i) * 3600_000))
    const cover = coverKeys[i % coverKeys.length]
    const basic: Insertable<ArticleBasicTable> & { article_id: string } = {
      article_id: ids.nextId().toString(),
      user_id: authorId.toString(),
      channel_id: work.channel,
      title: work.title,
      cover: JSON.stringify(cover ? { type: 1, images: [cover] } : { type: 0, images: [] }),
      status: work.status,
      reject_reason: work.status === 3 ? '标题夸大，请修改后重新提交' : null,
      create_time: created,
      update_time: created,
    }
    return {
      basic,
      content: `<p>${work.title.split('：')[1] ?? work.title}。</p><p>正文待补充。</p>`,
    }
  })
  const materials: Insertable<MaterialTable>[] = coverKeys.slice(0, 4).map((key, i) => ({
    user_id: authorId.toString(),
    type: 0,
    hash: createHash('sha256').update(key).digest('hex'),
    url: key,
    status: 1,
    is_collected: i === 0 ? 1 : 0,
  }))
  return { articles, materials }
}
