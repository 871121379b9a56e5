import type { Kysely } from 'kysely'
import type { Database } from '../../../infra/db/schema.js'
import { sqlDateTime, toId, toInt } from '../../../infra/db/values.js'
import { listPage, withKeyword } from '../listing.js'

/** The name of the seeded group that holds every permission. */
export const SUPER_GROUP = '超级管理员'

const COLUMNS = ['group_id', 'name', 'remark', 'status'] as const

function toItem(row: {
  group_id: bigint | string
  name: string
  remark: string | null
  status: number | bigint
}) {
  return {
    group_id: toId(row.group_id),
    name: row.name,
    remark: row.remark,
    status: toInt(row.status),
  }
}

/** The super-administrator group's id (seeded by the migrations). */
export async function superGroupId(db: Kysely<Database>): Promise<bigint> {
  const row = await db
    .selectFrom('mis_administrator_group')
    .select('group_id')
    .where('name', '=', SUPER_GROUP)
    .executeTakeFirstOrThrow()
  return toId(row.group_id)
}

/** One page of groups. */
export async function listGroups(
  db: Kysely<Database>,
  filter: { keyword?: string | undefined; orderById: boolean },
  page: { offset: number; limit: number },
) {
  const query = withKeyword(db.selectFrom('mis_administrator_group'), filter.keyword, ['name'])
  const order = filter.orderById ? 'group_id' : 'update_time'
  return listPage(
    'groups',
    query,
    (q) =>
      q
        .select(COLUMNS)
        .orderBy(order, filter.orderById ? 'asc' : 'desc')
        .orderBy('group_id'),
    page,
    toItem,
  )
}

/** One group, or undefined. */
export async function getGroup(db: Kysely<Database>, id: bigint) {
  const row = await db
    .selectFrom('mis_administrator_group')
    .select(COLUMNS)
    .where('group_id', '=', id.toString())
    .executeTakeFirst()
  return row && toItem(row)
}

/** The id of the group with this name, or undefined. */
export async function groupIdByName(db: Kysely<Database>, name: string) {
  const row = await db
    .selectFrom('mis_administrator_group')
    .select('group_id')
    .where('name', '=', name)
    .executeTakeFirst()
  return row && toId(row.group_id)
}

/** Inserts a group and returns its id. */
export async function insertGroup(
  db: Kysely<Database>,
  values: { name: string; remark: string | null; status: number },
): Promise<bigint> {
  await db.insertInto('mis_administrator_group').values(values).execute()
  const id = await groupIdByName(db, values.name)
  if (id === undefined) throw new Error(`group ${values.name} vanished after insert`)
  return id
}

/** Changes a group's own fields. */
export async function updateGroup(
  db: Kysely<Database>,
  id: bigint,
  changes: { name?: string; remark?: string; status?: number },
): Promise<void> {
  await db
    .updateTable('mis_administrator_group')
    .set({ ...changes, update_time: sqlDateTime() })
    .where('group_id', '=', id.toString())
    .execute()
}

/** Makes the group hold exactly these permissions (adds the new links, removes the missing). */
export async function setGroupPermissions(
  db: Kysely<Database>,
  groupId: bigint,
  permissionIds: bigint[],
): Promise<void> {
  const wanted = new Set(permissionIds.map(String))
  const current = await db
    .selectFrom('mis_group_permission')
    .select('permission_id')
    .where('group_id', '=', groupId.toString())
    .execute()
  const held = new Set(current.map((row) => String(row.permission_id)))
  const removed = [...held].filter((id) => !wanted.has(id))
  const added = [...wanted].filter((id) => !held.has(id))
  if (removed.length > 0)
    await db
      .deleteFrom('mis_group_permission')
      .where('group_id', '=', groupId.toString())
      .where('permission_id', 'in', removed)
      .execute()
  if (added.length > 0)
    await db
      .insertInto('mis_group_permission')
      .values(added.map((id) => ({ group_id: groupId.toString(), permission_id: id })))
      .execute()
}

/** Those of `ids` that are not permissions. */
export async function unknownPermissionIds(db: Kysely<Database>, ids: bigint[]): Promise<bigint[]> {
  if (ids.length === 0) return []
  const rows = await db
    .selectFrom('mis_permission')
    .select('permission_id')
    .where('permission_id', 'in', ids.map(String))
    .execute()
  const found = new Set(rows.map((row) => String(row.permission_id)))
  return ids.filter((id) => !found.has(String(id)))
}

/** How many administrators belong to the group. */
export async function countGroupMembers(db: Kysely<Database>, groupId: bigint): Promise<number> {
  const row = await db
    .selectFrom('mis_administrator')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('group_id', '=', groupId.toString())
    .executeTakeFirst()
  return toInt(row?.n as number)
}

/** Deletes the group and its permission links. */
export async function deleteGroup(db: Kysely<Database>, groupId: bigint): Promise<void> {
  await db.deleteFrom('mis_group_permission').where('group_id', '=', groupId.toString()).execute()
  await db
    .deleteFrom('mis_administrator_group')
    .where('group_id', '=', groupId.toString())
    .execute()
}
