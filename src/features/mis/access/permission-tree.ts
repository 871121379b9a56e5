import type { Kysely } from 'kysely'
import type { Database } from '../../../infra/db/schema.js'
import { toId, toInt } from '../../../infra/db/values.js'

/** One permission as the admin API lists it. */
export interface PermissionItem {
  permission_id: bigint
  name: string
  type: number
  parent_id: bigint
  code: string | null
  sequence: number
}

/** A node of `permission_tree`: the permission, whether the group holds it, and its children. */
export interface PermissionNode extends PermissionItem {
  checked: 0 | 1
  children: PermissionNode[]
}

/** Maps a `mis_permission` row to its API shape. */
export function toPermissionItem(row: {
  permission_id: bigint | string
  name: string
  type: number | bigint
  parent_id: bigint | string
  code: string | null
  sequence: number | bigint | null
}): PermissionItem {
  return {
    permission_id: toId(row.permission_id),
    name: row.name,
    type: toInt(row.type),
    parent_id: toId(row.parent_id),
    code: row.code,
    sequence: toInt(row.sequence),
  }
}

/** Every permission from the roots (`parent_id = 0`) down, `checked` for the group's ones. */
export async function permissionTree(
  db: Kysely<Database>,
  groupId: bigint | null,
): Promise<PermissionNode[]> {
  const rows = await db
    .selectFrom('mis_permission')
    .select(['permission_id', 'name', 'type', 'parent_id', 'code', 'sequence'])
    .orderBy('permission_id')
    .execute()
  const held = new Set<bigint>()
  if (groupId !== null) {
    const links = await db
      .selectFrom('mis_group_permission')
      .select('permission_id')
      .where('group_id', '=', groupId.toString())
      .execute()
    for (const link of links) held.add(toId(link.permission_id))
  }
  const nodes = rows.map((row): PermissionNode => {
    const item = toPermissionItem(row)
    return { ...item, checked: held.has(item.permission_id) ? 1 : 0, children: [] }
  })
  const byId = new Map(nodes.map((node) => [node.permission_id, node]))
  const roots: PermissionNode[] = []
  for (const node of nodes) {
    const parent = node.parent_id === 0n ? undefined : byId.get(node.parent_id)
    // A node whose parent is gone would be unreachable: show it at the top.
    if (parent && parent !== node) parent.children.push(node)
    else roots.push(node)
  }
  return roots
}
