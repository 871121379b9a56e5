import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS } from '../../auth/tokens.js'
import { findAdminByAccount, findAdminById } from './access.repo.js'
import { ADMIN_STATUS } from './guard.js'
import type { LoginFailures } from './login-failures.js'
import { hashPassword, needsRehash, verifyNothing, verifyPassword } from './passwords.js'
import { permissionTree } from './permission-tree.js'
import { logOperation, type Actor } from '../system/operation-log.repo.js'
import { recordLogin, setPassword } from './login.repo.js'

type LoginDeps = Pick<Deps, 'db' | 'adminTokens'> & { loginFailures: LoginFailures }

/**
 * Account and password login. Five wrong passwords in 15 minutes lock the account for 15
 * minutes; an unknown account costs the same time as a known one.
 */
export async function adminLogin(deps: LoginDeps, account: string, password: string) {
  if (await deps.loginFailures.isLocked(account)) throw new AppError(429, 'Too many requests.')
  const admin = await findAdminByAccount(deps.db.write, account)
  if (!admin) {
    await verifyNothing(password)
    await deps.loginFailures.recordFailure(account)
    throw new AppError(403, 'Please verify your real information in web.')
  }
  if (!(await verifyPassword(password, admin.password))) {
    await deps.loginFailures.recordFailure(account)
    throw new AppError(403, 'Wrong password')
  }
  if (admin.status !== ADMIN_STATUS.enabled)
    throw new AppError(403, 'Administrator status disable.')
  await deps.loginFailures.clear(account)
  const rehashed = needsRehash(admin.password) ? await hashPassword(password) : undefined
  await recordLogin(deps.db.write, admin.id, rehashed)
  const claims = { administratorId: admin.id, refresh: false }
  return {
    token: await deps.adminTokens.sign(claims, ACCESS_TOKEN_SECONDS),
    refresh_token: await deps.adminTokens.sign({ ...claims, refresh: true }, REFRESH_TOKEN_SECONDS),
    administrator_id: admin.id,
    group_id: admin.groupId,
    name: admin.name,
    permission_tree: await permissionTree(deps.db.write, admin.groupId),
  }
}

/** A new access token from an administrator's refresh token. */
export async function refreshAdminToken(deps: LoginDeps, administratorId: bigint | null) {
  const admin =
    administratorId === null ? undefined : await findAdminById(deps.db.write, administratorId)
  if (!admin) throw new AppError(403, 'Wrong refresh token.')
  if (admin.status !== ADMIN_STATUS.enabled)
    throw new AppError(403, 'Administrator status disable.')
  const claims = { administratorId: admin.id, refresh: false }
  return { token: await deps.adminTokens.sign(claims, ACCESS_TOKEN_SECONDS) }
}

/** Changes the administrator's own password after checking the old one. */
export async function changeOwnPassword(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  oldPassword: string,
  password: string,
) {
  const admin = await findAdminById(deps.db.write, actor.administratorId)
  if (!admin || !(await verifyPassword(oldPassword, admin.password)))
    throw new AppError(403, 'Old password wrong.')
  const hash = await hashPassword(password)
  await deps.db.write.transaction().execute(async (trx) => {
    await setPassword(trx, actor.administratorId, hash)
    await logOperation(trx, actor, '修改', `修改密码: ${admin.account} (${admin.id})`)
  })
}
