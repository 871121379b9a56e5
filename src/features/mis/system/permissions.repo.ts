import type { Kysely } from 'kysely'
import type { Database } from '../../../infra/db/schema.js'
import { sqlDateTime, toId } from '../../../infra/db/values.js'
import { toPermissionItem } from '../access/permission-tree.js'
import { listPage, withEqual, withKeyword } from '../listing.js'

const COLUMNS = ['permission_id', 'name', 'type', 'parent_id', 'code', 'sequence'] as const

/** Filters of `GET /permissions`. */
export interface PermissionFilter {
  parentId?: bigint | undefined
  type?: number | undefined
  keyword?: string | undefined
}

/** One page of permissions, by sequence. */
export async function listPermissions(
  db: Kysely<Database>,
  filter: PermissionFilter,
  page: { offset: number; limit: number },
) {
  let query = withEqual(db.selectFrom('mis_permission'), 'parent_id', filter.parentId?.toString())
  query = withEqual(query, 'type', filter.type)
  query = withKeyword(query, filter.keyword, ['name', 'code'])
  return listPage(
    'permissions',
    query,
    (q) => q.select(COLUMNS).orderBy('sequence').orderBy('permission_id'),
    page,
    toPermissionItem,
  )
}

/** One permission, or undefined. */
export async function getPermission(db: Kysely<Database>, id: bigint) {
  const row = await db
    .selectFrom('mis_permission')
    .select(COLUMNS)
    .where('permission_id', '=', id.toString())
    .executeTakeFirst()
  return row && toPermissionItem(row)
}

/** The id of the permission with this name, or undefined. */
export async function permissionIdByName(db: Kysely<Database>, name: string) {
  const row = await db
    .selectFrom('mis_permission')
    .select('permission_id')
    .where('name', '=', name)
    .executeTakeFirst()
  return row && toId(row.permission_id)
}

/** Fields of a permission as written. */
export interface PermissionValues {
  name: string
  type: number
  code: string
  parent_id: bigint
  sequence: number
}

/** Inserts a permission and returns its id. */
export async function insertPermission(db: Kysely<Database>, values: PermissionValues) {
  await db
    .insertInto('mis_permission')
    .values({ ...values, parent_id: values.parent_id.toString() })
    .execute()
  const id = await permissionIdByName(db, values.name)
  if (id === undefined) throw new Error(`permission ${values.name} vanished after insert`)
  return id
}

/** Changes a permission's fields. */
export async function updatePermission(
  db: Kysely<Database>,
  id: bigint,
  changes: Partial<PermissionValues>,
) {
  const { parent_id, ...rest } = changes
  await db
    .updateTable('mis_permission')
    .set({
      ...rest,
      ...(parent_id === undefined ? {} : { parent_id: parent_id.toString() }),
      update_time: sqlDateTime(),
    })
    .where('permission_id', '=', id.toString())
    .execute()
}

/** The permission and everything below it. */
export async function subtreeIds(db: Kysely<Database>, id: bigint): Promise<bigint[]> {
  const found = [id]
  for (let level = [id]; level.length > 0;) {
    const rows = await db
      .selectFrom('mis_permission')
      .select('permission_id')
      .where('parent_id', 'in', level.map(String))
      .execute()
    level = rows.map((row) => toId(row.permission_id)).filter((child) => !found.includes(child))
    found.push(...level)
  }
  return found
}

/** Deletes permissions and every group link to them. */
export async function deletePermissions(db: Kysely<Database>, ids: bigint[]) {
  const list = ids.map(String)
  await db.deleteFrom('mis_group_permission').where('permission_id', 'in', list).execute()
  await db.deleteFrom('mis_permission').where('permission_id', 'in', list).execute()
}
