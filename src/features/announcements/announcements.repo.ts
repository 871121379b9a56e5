import type { Kysely } from 'kysely'
import type { Database } from '../../infra/db/schema.js'
import { isoDateTime, toInt } from '../../infra/db/values.js'

/** `global_announcement.status` values. */
export const ANNOUNCEMENT_STATUS = { unpublished: 0, published: 1, obsolete: 2 } as const

export interface AnnouncementSummary {
  id: number
  title: string
  pubdate: string
}

export interface Announcement extends AnnouncementSummary {
  content: string
}

type Db = Kysely<Database>

/** Published announcements, newest first. */
export async function listPublished(db: Db): Promise<AnnouncementSummary[]> {
  const rows = await db
    .selectFrom('global_announcement')
    .select(['announcement_id', 'title', 'publish_time'])
    .where('status', '=', ANNOUNCEMENT_STATUS.published)
    .orderBy('publish_time', 'desc')
    .orderBy('announcement_id', 'desc')
    .execute()
  return rows.map((row) => ({
    id: toInt(row.announcement_id),
    title: row.title,
    pubdate: isoDateTime(row.publish_time) ?? '',
  }))
}

/** A published announcement, or null. */
export async function findPublished(db: Db, id: number): Promise<Announcement | null> {
  const row = await db
    .selectFrom('global_announcement')
    .select(['announcement_id', 'title', 'content', 'publish_time'])
    .where('announcement_id', '=', id.toString())
    .where('status', '=', ANNOUNCEMENT_STATUS.published)
    .executeTakeFirst()
  if (!row) return null
  return {
    id: toInt(row.announcement_id),
    title: row.title,
    content: row.content,
    pubdate: isoDateTime(row.publish_time) ?? '',
  }
}
