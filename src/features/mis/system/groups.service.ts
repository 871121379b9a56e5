import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { isUniqueViolation } from '../../../infra/db/errors.js'
import { logOperation, type Actor } from './operation-log.repo.js'
import {
  countGroupMembers,
  deleteGroup,
  getGroup,
  groupIdByName,
  insertGroup,
  setGroupPermissions,
  unknownPermissionIds,
  updateGroup,
} from './groups.repo.js'

type Db = Pick<Deps, 'db'>
const INVALID = 'Invalid group id.'
const exists = (name: string) => new AppError(403, `Group ${name} already exists.`)

async function checkPermissionIds(db: Deps['db']['write'], ids: bigint[]) {
  const unknown = await unknownPermissionIds(db, ids)
  if (unknown.length > 0)
    throw new AppError(400, { permission_ids: `Invalid permission id: ${unknown.join(', ')}.` })
}

/** Creates a group with its permissions. */
export async function createGroup(
  deps: Db,
  actor: Actor,
  input: { name: string; remark?: string | undefined; status: number; permissionIds: bigint[] },
) {
  try {
    return await deps.db.write.transaction().execute(async (trx) => {
      if ((await groupIdByName(trx, input.name)) !== undefined) throw exists(input.name)
      await checkPermissionIds(trx, input.permissionIds)
      const id = await insertGroup(trx, {
        name: input.name,
        remark: input.remark ?? null,
        status: input.status,
      })
      await setGroupPermissions(trx, id, input.permissionIds)
      await logOperation(trx, actor, '新增', `新增角色: ${input.name} (${id})`)
      return { group_id: id, name: input.name }
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw exists(input.name)
    throw error
  }
}

/** Edits a group; `permissionIds`, when given, replaces its permission set. */
export async function editGroup(
  deps: Db,
  actor: Actor,
  id: bigint,
  input: { name?: string; remark?: string; status?: number; permissionIds?: bigint[] | undefined },
) {
  const { permissionIds, ...changes } = input
  try {
    await deps.db.write.transaction().execute(async (trx) => {
      const group = await getGroup(trx, id)
      if (!group) throw new AppError(400, INVALID)
      if (changes.name !== undefined && changes.name !== group.name) {
        if ((await groupIdByName(trx, changes.name)) !== undefined) throw exists(changes.name)
      }
      await updateGroup(trx, id, changes)
      if (permissionIds) {
        await checkPermissionIds(trx, permissionIds)
        await setGroupPermissions(trx, id, permissionIds)
      }
      await logOperation(
        trx,
        actor,
        '修改',
        `修改角色: ${group.name} (${id}) ${Object.keys(input).join(', ')}`,
      )
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw exists(changes.name ?? '')
    throw error
  }
  return (await getGroup(deps.db.write, id))!
}

/** Deletes a group that has no administrators. */
export async function removeGroup(deps: Db, actor: Actor, id: bigint) {
  await deps.db.write.transaction().execute(async (trx) => {
    const group = await getGroup(trx, id)
    if (!group) throw new AppError(400, INVALID)
    if ((await countGroupMembers(trx, id)) > 0)
      throw new AppError(400, 'Delete administrator first.')
    await deleteGroup(trx, id)
    await logOperation(trx, actor, '删除', `删除角色: ${group.name} (${id})`)
  })
}
