import type { Kysely } from 'kysely'
import type { Database } from '../../../infra/db/schema.js'
import { isoDateTime, sqlDateTime, toId, toInt } from '../../../infra/db/values.js'
import { listPage, withEqual, withKeyword } from '../listing.js'

const COLUMNS = [
  'a.administrator_id',
  'a.account',
  'a.email',
  'a.mobile',
  'a.name',
  'g.name as group_name',
  'a.group_id',
  'a.access_count',
  'a.status',
  'a.last_login',
] as const

const base = (db: Kysely<Database>) =>
  db
    .selectFrom('mis_administrator as a')
    .leftJoin('mis_administrator_group as g', 'g.group_id', 'a.group_id')

interface AdminRow {
  administrator_id: bigint | string
  account: string
  email: string | null
  mobile: string | null
  name: string
  group_name: string | null
  group_id: bigint | string
  access_count: number | bigint
  status: number | bigint
  last_login: string | null
}

function toItem(r: AdminRow) {
  return {
    administrator_id: toId(r.administrator_id),
    account: r.account,
    email: r.email,
    mobile: r.mobile,
    name: r.name,
    group_name: r.group_name,
    group_id: toId(r.group_id),
    access_count: toInt(r.access_count),
    status: toInt(r.status),
    last_login: isoDateTime(r.last_login),
  }
}

/** An administrator as the admin API shows it. */
export type AdministratorItem = ReturnType<typeof toItem>

/** One page of administrators matching the filters. */
export async function listAdministrators(
  db: Kysely<Database>,
  filter: { keyword?: string | undefined; status?: number | undefined; orderById: boolean },
  page: { offset: number; limit: number },
) {
  const status = withEqual(base(db), 'a.status', filter.status)
  const query = withKeyword(status, filter.keyword, ['a.account', 'a.name'])
  const order = filter.orderById ? 'a.administrator_id' : 'a.update_time'
  return listPage(
    'administrators',
    query,
    (q) =>
      q
        .select(COLUMNS)
        .orderBy(order, filter.orderById ? 'asc' : 'desc')
        .orderBy('a.administrator_id'),
    page,
    toItem,
  )
}

/** One administrator, or undefined. */
export async function getAdministrator(db: Kysely<Database>, id: bigint) {
  const row = await base(db)
    .select(COLUMNS)
    .where('a.administrator_id', '=', id.toString())
    .executeTakeFirst()
  return row && toItem(row)
}

/** The id of the administrator with this account, or undefined. */
export async function administratorIdByAccount(db: Kysely<Database>, account: string) {
  const row = await db
    .selectFrom('mis_administrator')
    .select('administrator_id')
    .where('account', '=', account)
    .executeTakeFirst()
  return row && toId(row.administrator_id)
}

/** Inserts an administrator and returns the new id. */
export async function insertAdministrator(
  db: Kysely<Database>,
  values: { account: string; passwordHash: string; name: string; groupId: bigint },
): Promise<bigint> {
  await db
    .insertInto('mis_administrator')
    .values({
      account: values.account,
      password: values.passwordHash,
      name: values.name,
      group_id: values.groupId.toString(),
    })
    .execute()
  const id = await administratorIdByAccount(db, values.account)
  if (id === undefined) throw new Error(`administrator ${values.account} vanished after insert`)
  return id
}

/** The fields `PUT /administrators/:id` may change. */
export interface AdministratorChanges {
  account?: string
  password?: string
  name?: string
  group_id?: bigint
  status?: number
  email?: string
  mobile?: string
}

/** Applies the given changes. */
export async function updateAdministrator(
  db: Kysely<Database>,
  id: bigint,
  changes: AdministratorChanges,
): Promise<void> {
  const { group_id, ...rest } = changes
  await db
    .updateTable('mis_administrator')
    .set({
      ...rest,
      ...(group_id === undefined ? {} : { group_id: group_id.toString() }),
      update_time: sqlDateTime(),
    })
    .where('administrator_id', '=', id.toString())
    .execute()
}

/** Deletes administrators; returns how many rows went. */
export async function deleteAdministrators(db: Kysely<Database>, ids: bigint[]): Promise<number> {
  if (ids.length === 0) return 0
  const result = await db
    .deleteFrom('mis_administrator')
    .where(
      'administrator_id',
      'in',
      ids.map((id) => id.toString()),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** True when the group exists. */
export async function groupExists(db: Kysely<Database>, groupId: bigint): Promise<boolean> {
  const row = await db
    .selectFrom('mis_administrator_group')
    .select('group_id')
    .where('group_id', '=', groupId.toString())
    .executeTakeFirst()
  return row !== undefined
}
