import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { isUniqueViolation } from '../../../infra/db/errors.js'
import { forgetChannelLists, forgetUserChannels } from '../../channels/index.js'
import { logOperation, type Actor } from '../system/operation-log.repo.js'
import {
  channelIdByName,
  countChannelArticles,
  deleteChannel,
  getAdminChannel,
  insertChannel,
  updateChannel,
  usersOfChannel,
} from './channels.repo.js'

type ChannelDeps = Pick<Deps, 'db' | 'cache'>
/** Fields of a channel as written. */
export interface ChannelInput {
  name: string
  isVisible: number
  sequence: number | undefined
}

const INVALID = 'Invalid channel id.'
const exists = (name: string) => new AppError(403, `${name} already exists`)

// After the commit: the app's channel lists, and the lists of every user who picked the channel,
// on every node (the cache's bus).
async function forget(deps: ChannelDeps, userIds: bigint[]) {
  await forgetChannelLists(deps)
  for (let i = 0; i < userIds.length; i += 500)
    await Promise.all(userIds.slice(i, i + 500).map((id) => forgetUserChannels(deps, id)))
}

async function uniqueName<T>(name: string, work: () => Promise<T>, attempts = 3): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (!isUniqueViolation(error)) throw error
    // Two creations took the same next id: try again; a taken name is the admin's mistake.
    if (attempts > 1) return uniqueName(name, work, attempts - 1)
    throw exists(name)
  }
}

/** Creates a channel; a visible one is in the app's lists on the next request. */
export async function createChannel(deps: ChannelDeps, actor: Actor, input: ChannelInput) {
  const id = await uniqueName(input.name, () =>
    deps.db.write.transaction().execute(async (trx) => {
      if ((await channelIdByName(trx, input.name)) !== undefined) throw exists(input.name)
      const id = await insertChannel(trx, input)
      await logOperation(trx, actor, '新增', `新增频道: ${input.name} (${id})`)
      return id
    }),
  )
  await forget(deps, [])
  return (await getAdminChannel(deps.db.write, id))!
}

/** Renames, shows or hides, or moves a channel. */
export async function editChannel(
  deps: ChannelDeps,
  actor: Actor,
  id: number,
  input: ChannelInput,
) {
  const users = await uniqueName(input.name, () =>
    deps.db.write.transaction().execute(async (trx) => {
      const channel = await getAdminChannel(trx, id)
      if (!channel) throw new AppError(400, INVALID)
      const owner = await channelIdByName(trx, input.name)
      if (owner !== undefined && owner !== id) throw exists(input.name)
      await updateChannel(trx, id, input)
      await logOperation(trx, actor, '修改', `修改频道: ${channel.name} → ${input.name} (${id})`)
      return usersOfChannel(trx, id)
    }),
  )
  await forget(deps, users)
  return (await getAdminChannel(deps.db.write, id))!
}

/** Deletes a channel that no article uses. */
export async function removeChannel(deps: ChannelDeps, actor: Actor, id: number) {
  const users = await deps.db.write.transaction().execute(async (trx) => {
    const channel = await getAdminChannel(trx, id)
    if (!channel) throw new AppError(400, INVALID)
    if ((await countChannelArticles(trx, id)) > 0)
      throw new AppError(400, 'Please delete the article first.')
    const users = await usersOfChannel(trx, id)
    await deleteChannel(trx, id)
    await logOperation(trx, actor, '删除', `删除频道: ${channel.name} (${id})`)
    return users
  })
  await forget(deps, users)
}
