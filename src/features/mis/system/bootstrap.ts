import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { ACCOUNT_PATTERN, PASSWORD_PATTERN } from '../access/passwords.js'
import { administratorIdByAccount } from './administrators.repo.js'
import { createAdministrator } from './administrators.service.js'
import { superGroupId } from './groups.repo.js'

/**
 * Creates an administrator in the super-administrator group unless the account exists (then its
 * id is returned unchanged). The first administrator of a deployment is made this way.
 */
export async function ensureSuperAdministrator(
  deps: Pick<Deps, 'db'>,
  input: { account: string; password: string; name: string },
): Promise<{ id: bigint; created: boolean }> {
  const existing = await administratorIdByAccount(deps.db.write, input.account)
  if (existing !== undefined) return { id: existing, created: false }
  if (!new RegExp(ACCOUNT_PATTERN).test(input.account))
    throw new AppError(400, 'account: a letter, then 3 to 15 letters, digits or _.')
  if (!new RegExp(PASSWORD_PATTERN).test(input.password))
    throw new AppError(400, 'password: at least 8 letters and digits, with both kinds.')
  if (input.name.length < 1 || input.name.length > 20)
    throw new AppError(400, 'name: 1 to 20 characters.')
  const groupId = await superGroupId(deps.db.write)
  const id = await createAdministrator(deps, null, { ...input, groupId })
  return { id, created: true }
}
