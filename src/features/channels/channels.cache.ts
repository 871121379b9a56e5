import type { Deps } from '../../deps.js'
import { TTL, type EntryPolicy } from '../../infra/cache/ttl.js'
import { listChannels, listUserChannels, type ChannelItem } from './channels.repo.js'

type CacheDeps = Pick<Deps, 'cache' | 'db'>

const ALL_KEY = 'ch:all'
const DEFAULT_KEY = 'ch:user:default'
const userKey = (userId: bigint) => `user:${userId}:ch`

const allPolicy: EntryPolicy = { name: 'channels_all', ttl: TTL.channels }
const defaultPolicy: EntryPolicy = { name: 'channels_default', ttl: TTL.channels }
const userPolicy: EntryPolicy = { name: 'user_channels', ttl: TTL.userChannels }

/** `ch:all`: every visible channel. */
export async function cachedAllChannels(deps: CacheDeps): Promise<ChannelItem[]> {
  return (await deps.cache.getOrLoad(ALL_KEY, allPolicy, () => listChannels(deps.db.write))) ?? []
}

/** `ch:user:default`: what anonymous users and users without picks see. */
export async function cachedDefaultChannels(deps: CacheDeps): Promise<ChannelItem[]> {
  const load = () => listChannels(deps.db.write, true)
  return (await deps.cache.getOrLoad(DEFAULT_KEY, defaultPolicy, load)) ?? []
}

/**
 * `user:{id}:ch`: the user's own channels. Loaded from the primary: right after a write drops the
 * entry, a lagging replica would put the old picks back for an hour.
 */
export async function cachedUserChannels(deps: CacheDeps, userId: bigint): Promise<ChannelItem[]> {
  const load = () => listUserChannels(deps.db.write, userId)
  return (await deps.cache.getOrLoad(userKey(userId), userPolicy, load)) ?? []
}

/** After a write to the user's picks. */
export function forgetUserChannels(deps: Pick<Deps, 'cache'>, userId: bigint): Promise<void> {
  return deps.cache.delete(userKey(userId))
}

/** After an admin write to the channel list. */
export function forgetChannelLists(deps: Pick<Deps, 'cache'>): Promise<void> {
  return deps.cache.delete(ALL_KEY, DEFAULT_KEY)
}
