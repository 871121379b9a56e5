import type { Kysely } from 'kysely'
import type { Database } from '../../infra/db/schema.js'
import { isoDateTime, sqlDateTime, toId, toInt } from '../../infra/db/values.js'

/** The `user_basic` fields the app shows, as the original's `UserProfileCache` holds them. */
export interface UserRecord {
  id: bigint
  mobile: string
  name: string
  /** Storage key, '' when the user has none. */
  photo: string
  is_media: boolean
  intro: string
  certi: string
  status: number
  email: string
}

/** `user_profile` fields of `UserAdditionalProfileCache`. */
export interface AdditionalProfile {
  gender: number
  /** `YYYY-MM-DD`, or '' when unknown. */
  birthday: string
}

type Db = Kysely<Database>

const userColumns = [
  'user_id',
  'mobile',
  'user_name',
  'profile_photo',
  'is_media',
  'introduction',
  'certificate',
  'status',
  'email',
] as const

function toUser(row: {
  user_id: bigint | string
  mobile: string
  user_name: string
  profile_photo: string | null
  is_media: number | bigint
  introduction: string | null
  certificate: string | null
  status: number | bigint
  email: string | null
}): UserRecord {
  return {
    id: toId(row.user_id),
    mobile: row.mobile,
    name: row.user_name,
    photo: row.profile_photo ?? '',
    is_media: toInt(row.is_media) === 1,
    intro: row.introduction ?? '',
    certi: row.certificate ?? '',
    status: toInt(row.status),
    email: row.email ?? '',
  }
}

export async function findUserById(db: Db, id: bigint): Promise<UserRecord | null> {
  const row = await db
    .selectFrom('user_basic')
    .select(userColumns)
    .where('user_id', '=', id.toString())
    .executeTakeFirst()
  return row ? toUser(row) : null
}

export async function findUserByMobile(db: Db, mobile: string): Promise<UserRecord | null> {
  const row = await db
    .selectFrom('user_basic')
    .select(userColumns)
    .where('mobile', '=', mobile)
    .executeTakeFirst()
  return row ? toUser(row) : null
}

/** Creates the user and its profile row in one transaction; the name starts as the mobile. */
/** Creates a user with an empty profile (one transaction). */
export async function createUser(db: Db, id: bigint, mobile: string, name: string): Promise<void> {
  const now = sqlDateTime()
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('user_basic')
      .values({ user_id: id.toString(), mobile, user_name: name, last_login: now })
      .execute()
    await trx.insertInto('user_profile').values({ user_id: id.toString() }).execute()
  })
}

export async function touchLastLogin(db: Db, id: bigint): Promise<void> {
  await db
    .updateTable('user_basic')
    .set({ last_login: sqlDateTime() })
    .where('user_id', '=', id.toString())
    .execute()
}

export async function findAdditionalProfile(db: Db, id: bigint): Promise<AdditionalProfile | null> {
  const row = await db
    .selectFrom('user_profile')
    .select(['gender', 'birthday'])
    .where('user_id', '=', id.toString())
    .executeTakeFirst()
  if (!row) return null
  return { gender: toInt(row.gender), birthday: isoDateTime(row.birthday)?.slice(0, 10) ?? '' }
}

/** True when another user already has `name`. */
export async function isNameTaken(db: Db, name: string, exceptId: bigint): Promise<boolean> {
  const row = await db
    .selectFrom('user_basic')
    .select('user_id')
    .where('user_name', '=', name)
    .where('user_id', '!=', exceptId.toString())
    .executeTakeFirst()
  return row !== undefined
}

export interface BasicChanges {
  user_name?: string
  profile_photo?: string
  introduction?: string
  email?: string
}

export interface ProfileChanges {
  gender?: number
  birthday?: string
  real_name?: string
  id_number?: string
  id_card_front?: string
  id_card_back?: string
  id_card_handheld?: string
}

/** Applies changes to `user_basic` and `user_profile` atomically. */
export async function updateUser(
  db: Db,
  id: bigint,
  basic: BasicChanges,
  profile: ProfileChanges,
): Promise<void> {
  const now = sqlDateTime()
  await db.transaction().execute(async (trx) => {
    if (Object.keys(basic).length > 0) {
      await trx
        .updateTable('user_basic')
        .set({ ...basic, update_time: now })
        .where('user_id', '=', id.toString())
        .execute()
    }
    if (Object.keys(profile).length > 0) {
      await trx
        .updateTable('user_profile')
        .set({ ...profile, update_time: now })
        .where('user_id', '=', id.toString())
        .execute()
    }
  })
}
