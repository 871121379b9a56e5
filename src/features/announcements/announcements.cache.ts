import type { Deps } from '../../deps.js'
import { TTL, type EntryPolicy } from '../../infra/cache/ttl.js'
import {
  findPublished,
  listPublished,
  type Announcement,
  type AnnouncementSummary,
} from './announcements.repo.js'

type CacheDeps = Pick<Deps, 'cache' | 'db'>

const LIST_KEY = 'announcement'
const detailKey = (id: number) => `announcement:${id}`
const listPolicy: EntryPolicy = { name: 'announcements', ttl: TTL.announcements }
const detailPolicy: EntryPolicy = {
  name: 'announcement',
  ttl: TTL.announcementDetail,
  missing: TTL.announcementNotExists,
}

/** `announcement`: every published announcement, newest first (a short list). */
export async function cachedAnnouncements(deps: CacheDeps): Promise<AnnouncementSummary[]> {
  return (
    (await deps.cache.getOrLoad(LIST_KEY, listPolicy, () => listPublished(deps.db.write))) ?? []
  )
}

/** `announcement:{id}`, null (negatively cached) when not published. */
export function cachedAnnouncement(deps: CacheDeps, id: number): Promise<Announcement | null> {
  return deps.cache.getOrLoad(detailKey(id), detailPolicy, () => findPublished(deps.db.write, id))
}

/** After an admin publishes, edits or withdraws an announcement. */
export function forgetAnnouncement(deps: Pick<Deps, 'cache'>, id: number): Promise<void> {
  return deps.cache.delete(LIST_KEY, detailKey(id))
}
