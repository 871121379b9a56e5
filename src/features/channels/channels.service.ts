import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import {
  cachedAllChannels,
  cachedDefaultChannels,
  cachedUserChannels,
  forgetUserChannels,
} from './channels.cache.js'
import {
  deleteUserChannels,
  findPickedChannelIds,
  listVisibleChannelIds,
  MAX_INT,
  saveUserChannels,
  type ChannelPick,
} from './channels.repo.js'

/** The fixed first channel of every bar: the recommendation feed. */
export const RECOMMEND_CHANNEL = { id: 0, name: '推荐' } as const

export const getAllChannels = async (deps: Deps) => ({ channels: await cachedAllChannels(deps) })

/** 推荐 first, then the user's channels, or the default ones for anonymous users and new users. */
export async function getUserChannels(deps: Deps, userId: bigint | null) {
  let channels = userId === null ? [] : await cachedUserChannels(deps, userId)
  if (channels.length === 0) channels = await cachedDefaultChannels(deps)
  return { channels: [RECOMMEND_CHANNEL, ...channels] }
}

/**
 * Checks a `channels` body as the original did, with its messages. The fixed 推荐 channel
 * (id 0), which some clients send along, is accepted and echoed but never stored.
 */
export function readPicks(channels: unknown): ChannelPick[] {
  if (channels === undefined || channels === null) {
    throw new AppError(400, 'Channels param is required.')
  }
  if (!Array.isArray(channels)) throw new AppError(400, 'Invalid channels param.')
  const picks: ChannelPick[] = []
  const seen = new Set<number>()
  for (const item of channels as unknown[]) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new AppError(400, 'Invalid channels param.')
    }
    const { id, seq } = item as { id?: unknown; seq?: unknown }
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new AppError(400, 'Invalid channels param.')
    }
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0 || seq > MAX_INT) {
      throw new AppError(400, 'Invalid channel sequence param.')
    }
    if (seen.has(id)) throw new AppError(400, 'Repeated channels occurred.')
    seen.add(id)
    picks.push({ id, seq })
  }
  return picks
}

async function requireVisible(deps: Deps, ids: number[], message: string) {
  if (ids.length === 0) return
  // Every visible channel rather than `IN (ids)`: a body may list any number of ids.
  const visible = await listVisibleChannelIds(deps.db.read)
  if (ids.some((id) => !visible.has(id))) throw new AppError(400, message)
}

/** POST adds, PUT replaces the whole set, PATCH adds or moves: 201 echoes the picks. */
export async function saveChannels(
  deps: Deps,
  userId: bigint,
  channels: unknown,
  mode: 'add' | 'replace' | 'merge',
) {
  const picks = readPicks(channels)
  const stored = picks.filter((pick) => pick.id !== RECOMMEND_CHANNEL.id)
  const ids = stored.map((pick) => pick.id)
  await requireVisible(deps, ids, 'Invalid channels param.')
  if (mode === 'add' && (await findPickedChannelIds(deps.db.write, userId, ids)).length > 0) {
    throw new AppError(409, 'Some conflict user channels occurred.')
  }
  await saveUserChannels(deps.db.write, userId, stored, mode === 'replace')
  await forgetUserChannels(deps, userId)
  return { channels: picks }
}

/** PUT /user/channels/:id: place one channel at `seq` (adding it when missing). */
export async function moveChannel(deps: Deps, userId: bigint, id: number, seq: number) {
  await requireVisible(deps, [id], 'Invalid channel id.')
  await saveUserChannels(deps.db.write, userId, [{ id, seq }], false)
  await forgetUserChannels(deps, userId)
  return { id, seq }
}

export async function removeChannels(deps: Deps, userId: bigint, ids: number[]) {
  await deleteUserChannels(deps.db.write, userId, ids)
  await forgetUserChannels(deps, userId)
}
