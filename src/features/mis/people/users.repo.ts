import type { Kysely } from 'kysely'
import type { Database } from '../../../infra/db/schema.js'
import { isoDateTime, toId, toInt } from '../../../infra/db/values.js'
import { listPage, withEqual, withKeyword, withRange } from '../listing.js'

const COLUMNS = [
  'user_id',
  'account',
  'user_name',
  'email',
  'mobile',
  'last_login',
  'is_verified',
  'is_media',
  'status',
] as const

function toItem(row: {
  user_id: bigint | string
  account: string | null
  user_name: string
  email: string | null
  mobile: string
  last_login: string | null
  is_verified: number | bigint
  is_media: number | bigint
  status: number | bigint
}) {
  return {
    user_id: toId(row.user_id),
    account: row.account,
    name: row.user_name,
    email: row.email,
    mobile: row.mobile,
    last_login: isoDateTime(row.last_login),
    is_verified: toInt(row.is_verified),
    is_media: toInt(row.is_media),
    status: toInt(row.status),
  }
}

/** Filters of `GET /users`. */
export interface UserFilter {
  keyword?: string | undefined
  status?: number | undefined
  begin?: string | undefined
  end?: string | undefined
  orderById: boolean
}

/** One page of app users. */
export async function listUsers(
  db: Kysely<Database>,
  filter: UserFilter,
  page: { offset: number; limit: number },
) {
  let query = withEqual(db.selectFrom('user_basic'), 'status', filter.status)
  query = withKeyword(query, filter.keyword, ['mobile', 'account', 'user_name'])
  query = withRange(query, 'last_login', filter.begin, filter.end)
  const order = filter.orderById ? 'user_id' : 'create_time'
  return listPage(
    'users',
    query,
    (q) =>
      q
        .select(COLUMNS)
        .orderBy(order, filter.orderById ? 'asc' : 'desc')
        .orderBy('user_id', 'desc'),
    page,
    toItem,
  )
}

/** One app user, or undefined. */
export async function getUser(db: Kysely<Database>, id: bigint) {
  const row = await db
    .selectFrom('user_basic')
    .select(COLUMNS)
    .where('user_id', '=', id.toString())
    .executeTakeFirst()
  return row && toItem(row)
}

/** Which of account, mobile and name another user already has (the first found). */
export async function takenField(
  db: Kysely<Database>,
  values: { account: string; mobile: string; name: string },
): Promise<string | undefined> {
  const row = await db
    .selectFrom('user_basic')
    .select(['account', 'mobile', 'user_name'])
    .where((eb) =>
      eb.or([
        eb('account', '=', values.account),
        eb('mobile', '=', values.mobile),
        eb('user_name', '=', values.name),
      ]),
    )
    .executeTakeFirst()
  if (!row) return undefined
  if (row.account === values.account) return values.account
  if (row.mobile === values.mobile) return values.mobile
  return values.name
}

/** A user created by an administrator. */
export interface NewUser {
  id: bigint
  account: string
  passwordHash: string
  name: string
  mobile: string
  gender: number
  photoKey: string | null
  introduction: string | null
  email: string | null
  area: string | null
  company: string | null
  career: string | null
}

/** Inserts the user's basic row and profile row. */
export async function insertUser(db: Kysely<Database>, user: NewUser): Promise<void> {
  const id = user.id.toString()
  await db
    .insertInto('user_basic')
    .values({
      user_id: id,
      account: user.account,
      password: user.passwordHash,
      user_name: user.name,
      mobile: user.mobile,
      profile_photo: user.photoKey,
      introduction: user.introduction,
      email: user.email,
    })
    .execute()
  await db
    .insertInto('user_profile')
    .values({
      user_id: id,
      gender: user.gender,
      area: user.area,
      company: user.company,
      career: user.career,
    })
    .execute()
}
