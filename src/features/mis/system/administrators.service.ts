import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { isUniqueViolation } from '../../../infra/db/errors.js'
import { findAdminById } from '../access/access.repo.js'
import { hashPassword, verifyPassword } from '../access/passwords.js'
import {
  administratorIdByAccount,
  deleteAdministrators,
  getAdministrator,
  groupExists,
  insertAdministrator,
  updateAdministrator,
  type AdministratorChanges,
} from './administrators.repo.js'
import { logOperation, type Actor } from './operation-log.repo.js'

type Db = Pick<Deps, 'db'>

const invalidGroup = () => new AppError(400, { group_id: 'Invalid group id.' })
const exists = (account: string) => new AppError(403, `${account} already exists`)

/** Creates an administrator in an existing group. */
export async function createAdministrator(
  deps: Db,
  actor: Actor | null,
  input: { account: string; password: string; name: string; groupId: bigint },
) {
  const passwordHash = await hashPassword(input.password)
  try {
    return await deps.db.write.transaction().execute(async (trx) => {
      if (!(await groupExists(trx, input.groupId))) throw invalidGroup()
      if ((await administratorIdByAccount(trx, input.account)) !== undefined)
        throw exists(input.account)
      const id = await insertAdministrator(trx, { ...input, passwordHash })
      if (actor) await logOperation(trx, actor, '新增', `新增管理员: ${input.account} (${id})`)
      return id
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw exists(input.account)
    throw error
  }
}

/** `PUT /administrators/:id`: changing one's own password needs the current one. */
export async function editAdministrator(
  deps: Db,
  actor: Actor,
  id: bigint,
  input: Omit<AdministratorChanges, 'password'> & { password?: string; current_password?: string },
) {
  const { current_password: current, password, ...rest } = input
  const changes: AdministratorChanges = { ...rest }
  const target = await findAdminById(deps.db.write, id)
  if (!target) throw new AppError(403, 'Invalid administrator id.')
  if (password !== undefined) {
    if (
      id === actor.administratorId &&
      !(current && (await verifyPassword(current, target.password)))
    )
      throw new AppError(403, 'Current password error.')
    changes.password = await hashPassword(password)
  }
  try {
    await deps.db.write.transaction().execute(async (trx) => {
      if (changes.group_id !== undefined && !(await groupExists(trx, changes.group_id)))
        throw invalidGroup()
      if (changes.account !== undefined && changes.account !== target.account) {
        if ((await administratorIdByAccount(trx, changes.account)) !== undefined)
          throw exists(changes.account)
      }
      await updateAdministrator(trx, id, changes)
      const fields = Object.keys(changes).join(', ')
      await logOperation(trx, actor, '修改', `修改管理员: ${target.account} (${id}) ${fields}`)
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw exists(changes.account ?? target.account)
    throw error
  }
  return (await getAdministrator(deps.db.write, id))!
}

/** Deletes administrators (never the caller's own account). */
export async function removeAdministrators(deps: Db, actor: Actor, ids: bigint[]) {
  if (ids.includes(actor.administratorId))
    throw new AppError(403, 'Cannot delete the administrator you are logged in as.')
  await deps.db.write.transaction().execute(async (trx) => {
    const count = await deleteAdministrators(trx, ids)
    if (count > 0) await logOperation(trx, actor, '删除', `删除管理员: ${ids.join(', ')}`)
  })
}
