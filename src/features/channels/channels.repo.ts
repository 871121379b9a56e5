import type { Kysely } from 'kysely'
import type { Database } from '../../infra/db/schema.js'
import { upsert } from '../../infra/db/upsert.js'
import { sqlDateTime, toInt } from '../../infra/db/values.js'

/** A channel as the app lists it. */
export interface ChannelItem {
  id: number
  name: string
}

/** A user's pick: channel id and its place in the user's bar. */
export interface ChannelPick {
  id: number
  seq: number
}

type Db = Kysely<Database>

/** The largest value of the INT columns `channel_id` and `sequence`. */
export const MAX_INT = 2_147_483_647

const toItem = (row: { channel_id: number | bigint; channel_name: string }): ChannelItem => ({
  id: toInt(row.channel_id),
  name: row.channel_name,
})

/** Visible channels in the admin's order (`ch:all`); `defaultsOnly` for `ch:user:default`. */
export async function listChannels(db: Db, defaultsOnly = false): Promise<ChannelItem[]> {
  let query = db
    .selectFrom('news_channel')
    .select(['channel_id', 'channel_name'])
    .where('is_visible', '=', 1)
  if (defaultsOnly) query = query.where('is_default', '=', 1)
  const rows = await query.orderBy('sequence').orderBy('channel_id').execute()
  return rows.map(toItem)
}

/** The user's visible, not deleted channels in the user's order. */
export async function listUserChannels(db: Db, userId: bigint): Promise<ChannelItem[]> {
  const rows = await db
    .selectFrom('news_user_channel as uc')
    .innerJoin('news_channel as c', 'c.channel_id', 'uc.channel_id')
    .select(['c.channel_id', 'c.channel_name'])
    .where('uc.user_id', '=', userId.toString())
    .where('uc.is_deleted', '=', 0)
    .where('c.is_visible', '=', 1)
    .orderBy('uc.sequence')
    .orderBy('uc.user_channel_id')
    .execute()
  return rows.map(toItem)
}

/** The ids of all visible channels (a short list). */
export async function listVisibleChannelIds(db: Db): Promise<Set<number>> {
  const rows = await db
    .selectFrom('news_channel')
    .select('channel_id')
    .where('is_visible', '=', 1)
    .execute()
  return new Set(rows.map((row) => toInt(row.channel_id)))
}

/** Which of `ids` the user has already (not deleted). */
export async function findPickedChannelIds(
  db: Db,
  userId: bigint,
  ids: readonly number[],
): Promise<number[]> {
  if (ids.length === 0) return []
  const rows = await db
    .selectFrom('news_user_channel')
    .select('channel_id')
    .where('user_id', '=', userId.toString())
    .where('channel_id', 'in', ids)
    .where('is_deleted', '=', 0)
    .execute()
  return rows.map((row) => toInt(row.channel_id))
}

/**
 * Writes the picks (reviving soft-deleted rows); with `replace`, every other channel of the user
 * is soft-deleted first. One transaction: a failure leaves the user's channels as they were.
 */
export async function saveUserChannels(
  db: Db,
  userId: bigint,
  picks: readonly ChannelPick[],
  replace: boolean,
): Promise<void> {
  const now = sqlDateTime()
  const user_id = userId.toString()
  await db.transaction().execute(async (trx) => {
    if (replace) {
      await trx
        .updateTable('news_user_channel')
        .set({ is_deleted: 1, update_time: now })
        .where('user_id', '=', user_id)
        .execute()
    }
    for (const pick of picks) {
      const values = { is_deleted: 0, sequence: pick.seq, update_time: now }
      await upsert(
        trx,
        'news_user_channel',
        { user_id, channel_id: pick.id, ...values },
        ['user_id', 'channel_id'],
        values,
      ).execute()
    }
  })
}

/** Soft-deletes the user's picks of `ids`. */
export async function deleteUserChannels(
  db: Db,
  userId: bigint,
  ids: readonly number[],
): Promise<void> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return
  // A body may list any number of ids: chunks stay under every driver's placeholder limit.
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < unique.length; start += 1000) {
      await trx
        .updateTable('news_user_channel')
        .set({ is_deleted: 1, update_time: sqlDateTime() })
        .where('user_id', '=', userId.toString())
        .where('channel_id', 'in', unique.slice(start, start + 1000))
        .execute()
    }
  })
}
