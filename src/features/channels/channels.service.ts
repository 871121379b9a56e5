import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { pyInt } from '../../http/python.js'
import { isFalsy } from '../../http/reqparse-types.js'
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

const REQUIRED = 'Channels param is required.'
const INVALID = 'Invalid channels param.'

/** Python's `==` between ids (`1`, `1.0` and `true` are one id); null for unhashable values. */
function idKey(id: unknown): string | null {
  if (typeof id === 'number' || typeof id === 'boolean') return `n:${Number(id)}`
  if (typeof id === 'bigint') return `n:${id}`
  if (typeof id === 'string') return `s:${id}`
  return id === null ? 'none' : null
}

/** The visible channel an id equals, or null (strings never equal a number in Python). */
function visibleId(id: unknown, visible: Set<number>): number | null {
  const value = typeof id === 'boolean' ? Number(id) : id
  return typeof value === 'number' && visible.has(value) ? value : null
}

/**
 * Reads a `channels` body (`get_json(force=True)`, no reqparse) with the original's checks in its
 * order: required, a list, well-formed items, no repeats, visible ids, then `seq` ≥ 0.
 */
export function readPicks(body: unknown, visible: Set<number>): ChannelPick[] {
  if (isFalsy(body)) throw new AppError(400, REQUIRED)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError(400, INVALID)
  }
  const channels = (body as Record<string, unknown>)['channels']
  if (isFalsy(channels)) throw new AppError(400, REQUIRED)
  if (!Array.isArray(channels)) throw new AppError(400, INVALID)
  const items = channels.map((item: unknown) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new AppError(400, INVALID)
    }
    const { id, seq } = item as Record<string, unknown>
    const seqValue = seq === undefined ? null : pyInt(seq)
    if (id === undefined || !seqValue?.ok) throw new AppError(400, INVALID)
    return { id, seq: seqValue.value }
  })
  const seen = new Set<string>()
  for (const { id } of items) {
    const key = idKey(id)
    if (key === null) throw new AppError(400, INVALID)
    if (seen.has(key)) throw new AppError(400, 'Repeated channels occurred.')
    seen.add(key)
  }
  const picks = items.map(({ id, seq }) => ({ id: visibleId(id, visible), seq }))
  if (picks.some((pick) => pick.id === null)) throw new AppError(400, INVALID)
  if (picks.some((pick) => pick.seq < 0n || pick.seq > BigInt(MAX_INT))) {
    throw new AppError(400, 'Invalid channel sequence param.')
  }
  return picks.map((pick) => ({ id: pick.id ?? 0, seq: Number(pick.seq) }))
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
  body: unknown,
  mode: 'add' | 'replace' | 'merge',
) {
  const picks = readPicks(body, await listVisibleChannelIds(deps.db.read))
  const ids = picks.map((pick) => pick.id)
  if (mode === 'add' && (await findPickedChannelIds(deps.db.write, userId, ids)).length > 0) {
    throw new AppError(409, 'Some conflict user channels occurred.')
  }
  await saveUserChannels(deps.db.write, userId, picks, mode === 'replace')
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
