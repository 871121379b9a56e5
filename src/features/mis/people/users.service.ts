import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { isUniqueViolation } from '../../../infra/db/errors.js'
import { changeUserStatus, type UserStatus } from '../../auth/user-status.js'
import { StorageError } from '../../../infra/storage/file-storage.js'
import { decodeBase64Image, sniffImage } from '../../../infra/storage/images.js'
import { hashPassword } from '../access/passwords.js'
import { logOperation, type Actor } from '../system/operation-log.repo.js'
import { getUser, insertUser, takenField, type NewUser } from './users.repo.js'

/** What `POST /users` takes. */
export type UserInput = Omit<NewUser, 'id' | 'passwordHash' | 'photoKey'> & {
  password: string
  profilePhoto: string | undefined
}

async function storePhoto(deps: Pick<Deps, 'storage'>, encoded: string | undefined) {
  if (encoded === undefined) return null
  const data = decodeBase64Image(encoded)
  const type = data && (await sniffImage(data))
  if (!data || !type) throw new AppError(400, { profile_photo: 'Invalid image.' })
  try {
    return await deps.storage.put(data, type)
  } catch (error) {
    if (error instanceof StorageError)
      throw new AppError(507, 'Uploading profile photo image failed.')
    throw error
  }
}

/** Creates an app user (basic row and profile) with a password and an optional photo. */
export async function createAppUser(
  deps: Pick<Deps, 'db' | 'ids' | 'storage'>,
  actor: Actor,
  input: UserInput,
) {
  const { password, profilePhoto, ...rest } = input
  const taken = await takenField(deps.db.write, input)
  if (taken) throw new AppError(403, `${taken} already exists`)
  const user: NewUser = {
    ...rest,
    id: deps.ids.nextId(),
    passwordHash: await hashPassword(password),
    photoKey: await storePhoto(deps, profilePhoto),
  }
  try {
    await deps.db.write.transaction().execute(async (trx) => {
      const raced = await takenField(trx, input)
      if (raced) throw new AppError(403, `${raced} already exists`)
      await insertUser(trx, user)
      await logOperation(trx, actor, '新增', `新增用户: ${user.name} (${user.id})`)
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError(403, `${input.mobile} already exists`)
    throw error
  }
  return (await getUser(deps.db.write, user.id))!
}

/**
 * Freezes (0) or unfreezes (1) users through the one user-status function: the row, the status
 * cache on every node, refresh tokens and open sockets. Returns how many users exist among `ids`.
 */
export async function setUsersStatus(
  deps: Parameters<typeof changeUserStatus>[0] & Pick<Deps, 'db'>,
  actor: Actor,
  ids: bigint[],
  status: number,
): Promise<number> {
  let count = 0
  const changed: bigint[] = []
  for (const id of new Set(ids)) {
    if (await changeUserStatus(deps, id, status as UserStatus)) {
      count += 1
      changed.push(id)
    }
  }
  if (changed.length > 0) {
    const what = status === 0 ? '冻结' : '解冻'
    await logOperation(deps.db.write, actor, what, `${what}用户: ${changed.join(', ')}`)
  }
  return count
}
