import type { Kysely } from 'kysely'
import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { isUniqueViolation } from '../../../infra/db/errors.js'
import type { Database } from '../../../infra/db/schema.js'
import { logOperation, type Actor } from './operation-log.repo.js'
import {
  deletePermissions,
  getPermission,
  insertPermission,
  permissionIdByName,
  subtreeIds,
  updatePermission,
  type PermissionValues,
} from './permissions.repo.js'

type Db = Pick<Deps, 'db'>
const INVALID = 'Invalid permission id.'
const exists = (name: string) => new AppError(403, `${name} already exists`)

// A parent must be a menu (type 0); 0 is the root.
async function checkParent(db: Kysely<Database>, parentId: bigint | undefined) {
  if (parentId === undefined || parentId === 0n) return
  const parent = await getPermission(db, parentId)
  if (!parent || parent.type !== 0)
    throw new AppError(400, `Parent(${parentId}) permission does not exist`)
}

async function withUniqueName<T>(name: string | undefined, work: () => Promise<T>) {
  try {
    return await work()
  } catch (error) {
    if (isUniqueViolation(error)) throw exists(name ?? '')
    throw error
  }
}

/** Creates a menu (type 0) or API point (type 1). */
export async function createPermission(deps: Db, actor: Actor, values: PermissionValues) {
  return withUniqueName(values.name, () =>
    deps.db.write.transaction().execute(async (trx) => {
      if ((await permissionIdByName(trx, values.name)) !== undefined) throw exists(values.name)
      await checkParent(trx, values.parent_id)
      const id = await insertPermission(trx, values)
      await logOperation(trx, actor, '新增', `新增权限: ${values.name} ${values.code} (${id})`)
      return (await getPermission(trx, id))!
    }),
  )
}

/** Edits a permission. */
export async function editPermission(
  deps: Db,
  actor: Actor,
  id: bigint,
  changes: Partial<PermissionValues>,
) {
  return withUniqueName(changes.name, () =>
    deps.db.write.transaction().execute(async (trx) => {
      const permission = await getPermission(trx, id)
      if (!permission) throw new AppError(400, INVALID)
      if (changes.name !== undefined && changes.name !== permission.name) {
        if ((await permissionIdByName(trx, changes.name)) !== undefined) throw exists(changes.name)
      }
      if (changes.parent_id === id)
        throw new AppError(400, `Parent(${id}) permission does not exist`)
      await checkParent(trx, changes.parent_id)
      await updatePermission(trx, id, changes)
      await logOperation(trx, actor, '修改', `修改权限: ${permission.name} (${id})`)
      return (await getPermission(trx, id))!
    }),
  )
}

/** Deletes a permission; one with children only when `withChildren` (then the whole subtree). */
export async function removePermission(deps: Db, actor: Actor, id: bigint, withChildren: boolean) {
  await deps.db.write.transaction().execute(async (trx) => {
    const permission = await getPermission(trx, id)
    if (!permission) throw new AppError(400, INVALID)
    const ids = await subtreeIds(trx, id)
    if (ids.length > 1 && !withChildren)
      throw new AppError(400, 'There are subdirectories that cannot be deleted.')
    await deletePermissions(trx, ids)
    await logOperation(trx, actor, '删除', `删除权限: ${permission.name} (${ids.join(', ')})`)
  })
}
