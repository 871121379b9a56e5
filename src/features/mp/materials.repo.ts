import type { Kysely } from 'kysely'
import { isUniqueViolation } from '../../infra/db/errors.js'
import { countAndPage } from '../../infra/db/paging.js'
import type { Database } from '../../infra/db/schema.js'
import { sqlDateTime, toId, toInt } from '../../infra/db/values.js'

type Db = Kysely<Database>

/** `user_material.status` values. */
export const MATERIAL_STATUS = { unreviewed: 0, approved: 1, failed: 2, deleted: 3 } as const

/** A material as the library lists it. */
export interface MaterialRow {
  id: bigint
  /** Storage key. */
  key: string
  collected: boolean
}

/**
 * Records an upload under its content hash: a new row, or the author's existing row for the same
 * bytes brought back (a deleted image returns, uncollected). Returns the row's id.
 */
export async function saveMaterial(
  db: Db,
  userId: bigint,
  hash: string,
  key: string,
): Promise<bigint> {
  const now = sqlDateTime()
  try {
    await db
      .insertInto('user_material')
      .values({
        user_id: userId.toString(),
        hash,
        url: key,
        type: 0,
        status: MATERIAL_STATUS.approved,
        create_time: now,
        update_time: now,
      })
      .execute()
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    await db
      .updateTable('user_material')
      .set({ status: MATERIAL_STATUS.approved, url: key, update_time: now })
      .where('user_id', '=', userId.toString())
      .where('hash', '=', hash)
      .execute()
  }
  const row = await db
    .selectFrom('user_material')
    .select('material_id')
    .where('user_id', '=', userId.toString())
    .where('hash', '=', hash)
    .executeTakeFirstOrThrow()
  return toId(row.material_id)
}

function visible(db: Db, userId: bigint, collectedOnly: boolean) {
  let query = db
    .selectFrom('user_material')
    .where('user_id', '=', userId.toString())
    .where('status', '!=', MATERIAL_STATUS.deleted)
  if (collectedOnly) query = query.where('is_collected', '=', 1)
  return query
}

/** A page of the author's library: collected first, then newest first. */
export async function listMaterials(
  db: Db,
  userId: bigint,
  collectedOnly: boolean,
  offset: number,
  limit: number,
): Promise<{ total: number; rows: MaterialRow[] }> {
  const { rows, total } = await countAndPage(
    visible(db, userId, collectedOnly),
    (query) =>
      query
        .select(['material_id', 'url', 'is_collected'])
        .orderBy('is_collected', 'desc')
        .orderBy('create_time', 'desc')
        .orderBy('material_id', 'desc'),
    { offset, limit },
  )
  return {
    total,
    rows: rows.map((row) => ({
      id: toId(row.material_id),
      key: row.url,
      collected: toInt(row.is_collected) === 1,
    })),
  }
}

/** Collects or uncollects an approved material of the user (others: nothing happens). */
export async function setCollected(
  db: Db,
  userId: bigint,
  id: bigint,
  collected: boolean,
): Promise<void> {
  await db
    .updateTable('user_material')
    .set({ is_collected: collected ? 1 : 0, update_time: sqlDateTime() })
    .where('material_id', '=', id.toString())
    .where('user_id', '=', userId.toString())
    .where('status', '=', MATERIAL_STATUS.approved)
    .execute()
}

/** Soft-deletes a material of the user (and uncollects it). */
export async function deleteMaterial(db: Db, userId: bigint, id: bigint): Promise<void> {
  await db
    .updateTable('user_material')
    .set({ status: MATERIAL_STATUS.deleted, is_collected: 0, update_time: sqlDateTime() })
    .where('material_id', '=', id.toString())
    .where('user_id', '=', userId.toString())
    .execute()
}
