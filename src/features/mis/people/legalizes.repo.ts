import type { Kysely } from 'kysely'
import type { Database } from '../../../infra/db/schema.js'
import { isoDateTime, sqlDateTime, toId, toInt } from '../../../infra/db/values.js'
import { listPage, withEqual } from '../listing.js'

/** `user_legalize_log.type` and `.status` values. */
export const LEGALIZE = {
  realName: 1,
  qualification: 2,
  processing: 1,
  approved: 2,
  rejected: 3,
} as const

const from = (db: Kysely<Database>) =>
  db.selectFrom('user_legalize_log as l').leftJoin('user_basic as u', 'u.user_id', 'l.user_id')

const COLUMNS = [
  'l.legalize_id',
  'l.user_id',
  'l.qualification_id',
  'u.account',
  'u.user_name',
  'l.create_time',
  'l.type',
  'l.status',
  'l.reject_reason',
] as const

const base = (db: Kysely<Database>) => from(db).select(COLUMNS)

type Row = Awaited<ReturnType<ReturnType<typeof base>['executeTakeFirstOrThrow']>>

function toItem(row: Row) {
  return {
    legalize_id: toId(row.legalize_id),
    account: row.account,
    name: row.user_name ?? '',
    create_time: isoDateTime(row.create_time),
    type: toInt(row.type),
    status: toInt(row.status),
  }
}

/** One page of applications, newest first. */
export async function listLegalizes(
  db: Kysely<Database>,
  filter: { status?: number | undefined; orderById: boolean },
  page: { offset: number; limit: number },
) {
  const order = filter.orderById ? 'l.legalize_id' : 'l.create_time'
  return listPage(
    'legalizes',
    withEqual(from(db), 'l.status', filter.status),
    (q) =>
      q
        .select(COLUMNS)
        .orderBy(order, filter.orderById ? 'asc' : 'desc')
        .orderBy('l.legalize_id', 'desc'),
    page,
    toItem,
  )
}

/** One application with what the reviewer reads: the profile (real name) or the qualification. */
export async function getLegalize(db: Kysely<Database>, id: bigint) {
  const row = await base(db).where('l.legalize_id', '=', id.toString()).executeTakeFirst()
  if (!row) return undefined
  const item = { ...toItem(row), reject_reason: row.reject_reason }
  if (toInt(row.type) === LEGALIZE.realName) {
    const profile = await db
      .selectFrom('user_profile')
      .select([
        'user_id',
        'gender',
        'birthday',
        'real_name',
        'id_number',
        'id_card_front',
        'id_card_back',
        'id_card_handheld',
        'area',
        'company',
        'career',
      ])
      .where('user_id', '=', String(row.user_id))
      .executeTakeFirst()
    return {
      item,
      user_profile: profile && {
        ...profile,
        user_id: toId(profile.user_id),
        gender: toInt(profile.gender),
        birthday: profile.birthday === null ? null : String(profile.birthday).slice(0, 10),
      },
    }
  }
  const qualification = await db
    .selectFrom('user_qualification')
    .select([
      'qualification_id',
      'user_id',
      'name',
      'id_number',
      'industry',
      'company',
      'position',
      'add_info',
      'id_card_front',
      'id_card_back',
      'id_card_handheld',
      'qualification_img',
    ])
    .where('qualification_id', '=', String(row.qualification_id))
    .executeTakeFirst()
  return {
    item,
    qualification: qualification && {
      ...qualification,
      qualification_id: toId(qualification.qualification_id),
      user_id: toId(qualification.user_id),
    },
  }
}

/** The applications among `ids` (id, user, type). */
export async function findLegalizes(db: Kysely<Database>, ids: bigint[]) {
  if (ids.length === 0) return []
  const rows = await db
    .selectFrom('user_legalize_log')
    .select(['legalize_id', 'user_id', 'type'])
    .where('legalize_id', 'in', ids.map(String))
    .execute()
  return rows.map((row) => ({
    id: toId(row.legalize_id),
    userId: toId(row.user_id),
    type: toInt(row.type),
  }))
}

/** Sets the applications' status (and the reason of a rejection). */
export async function setLegalizeStatus(
  db: Kysely<Database>,
  ids: bigint[],
  status: number,
  reason: string | null,
) {
  await db
    .updateTable('user_legalize_log')
    .set({ status, reject_reason: reason, update_time: sqlDateTime() })
    .where('legalize_id', 'in', ids.map(String))
    .execute()
}

/** Sets `is_verified` (real name) or `is_media` (qualification) of users. */
export async function setUserFlag(
  db: Kysely<Database>,
  userIds: bigint[],
  flag: 'is_verified' | 'is_media',
  value: number,
) {
  if (userIds.length === 0) return
  await db
    .updateTable('user_basic')
    .set({ [flag]: value, update_time: sqlDateTime() })
    .where('user_id', 'in', userIds.map(String))
    .execute()
}
