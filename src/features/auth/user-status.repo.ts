import type { Kysely } from 'kysely'
import type { Database } from '../../infra/db/schema.js'
import { sqlDateTime, toId, toInt } from '../../infra/db/values.js'

type Db = Kysely<Database>

/** `user_basic.status` of the user, or null when there is no such user. */
export async function readUserStatus(db: Db, userId: bigint): Promise<number | null> {
  const row = await db
    .selectFrom('user_basic')
    .select('status')
    .where('user_id', '=', userId.toString())
    .executeTakeFirst()
  return row ? toInt(row.status) : null
}

/** Sets `user_basic.status`; false when there is no such user. */
export async function writeUserStatus(db: Db, userId: bigint, status: number): Promise<boolean> {
  const { numUpdatedRows } = await db
    .updateTable('user_basic')
    .set({ status, update_time: sqlDateTime() })
    .where('user_id', '=', userId.toString())
    .executeTakeFirst()
  return numUpdatedRows > 0n
}

/** The ids among `ids` whose user is not enabled (or no longer exists). */
export async function notEnabledAmong(db: Db, ids: readonly bigint[], enabled: number) {
  if (ids.length === 0) return new Set<bigint>()
  const rows = await db
    .selectFrom('user_basic')
    .select('user_id')
    .where(
      'user_id',
      'in',
      ids.map((id) => id.toString()),
    )
    .where('status', '=', enabled)
    .execute()
  const live = new Set(rows.map((row) => toId(row.user_id)))
  return new Set(ids.filter((id) => !live.has(id)))
}

/** The user id of a mobile number or of an id given as digits, or null. */
export async function findUserId(db: Db, mobileOrId: string): Promise<bigint | null> {
  if (!/^\d{1,19}$/.test(mobileOrId)) return null
  const row = await db
    .selectFrom('user_basic')
    .select('user_id')
    .where((eb) => eb.or([eb('mobile', '=', mobileOrId), eb('user_id', '=', mobileOrId)]))
    .orderBy((eb) => eb.case().when('mobile', '=', mobileOrId).then(0).else(1).end())
    .executeTakeFirst()
  return row ? toId(row.user_id) : null
}
