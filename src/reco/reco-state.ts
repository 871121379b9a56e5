import { isDeviceId } from '../infra/ids/device-id.js'
import type { SortedSetStore } from '../infra/store/sorted-sets.js'
import type { FeedRequest } from './recommender.js'

/**
 * Who a feed is for. Users and devices live in separate key spaces (`u:` / `d:`), so a device
 * that calls itself `Anony 123` can never read or fill user 123's state.
 */
export type Viewer = { kind: 'user'; id: bigint; key: string } | { kind: 'device'; key: string }

/** Feed pages remembered as shown per viewer (about 2000 articles); older ones may come back. */
export const SHOWN_PAGES_KEEP = 200
/** Most feedback signals remembered per viewer (one per action and article). */
export const SIGNALS_KEEP = 300

/**
 * How long a viewer's feed state (shown pages, signals) lives after its last write: anonymous
 * devices are forgotten after a week, users after 30 days (both are also capped in size).
 */
export const STATE_TTL_SECONDS = { user: 30 * 86_400, device: 7 * 86_400 } as const

/**
 * The viewer of a feed request, or null when nobody is known (no user, and no well-formed device
 * id: the gRPC service sees the raw string, so it is checked here too).
 */
export function viewerOf(request: Pick<FeedRequest, 'viewer' | 'userId'>): Viewer | null {
  if (request.userId !== null)
    return { kind: 'user', id: request.userId, key: `u:${request.userId}` }
  if (!isDeviceId(request.viewer.replace(/^anony-/, ''))) return null
  return { kind: 'device', key: deviceKey(request.viewer) }
}

/** The state keys a trace's `userId` may belong to: a user's (digits) and a device's. */
export function viewerKeysOfTrace(viewer: string): string[] {
  const keys = isDeviceId(viewer.replace(/^anony-/, '')) ? [deviceKey(viewer)] : []
  if (/^[1-9]\d{0,18}$/.test(viewer)) keys.unshift(`u:${viewer}`)
  return keys
}

const ttlOf = (key: string) =>
  key.startsWith('d:') ? STATE_TTL_SECONDS.device : STATE_TTL_SECONDS.user

/**
 * How a device is named on the wire (`User.user_id`): a device id made of digits only gets an
 * `anony-` prefix, so that a recommender, which sees only the string, never takes it for a user.
 */
export function wireDeviceId(device: string): string {
  return /^\d+$/.test(device) ? `anony-${device}` : device
}

// Device ids are checked (≤ 64 characters, `anony-` adds 6): keys stay under SQL's 100.
const deviceKey = (device: string) => `d:${wireDeviceId(device)}`

const shownKey = (key: string) => `reco:shown:${key}`
const signalsKey = (key: string) => `reco:signals:${key}`

/** What the feed showed the viewer: the article ids, and how many stored members hold them. */
export interface Shown {
  ids: Set<bigint>
  members: number
}

// A page is one member: its ids in hex, comma-separated (11 fit the 191-character SQL member),
// so recording a page is one write and reading the state one range read.
const IDS_PER_MEMBER = 11

/** Articles already shown to the viewer in any feed. */
export async function shownArticles(store: SortedSetStore, key: string): Promise<Shown> {
  const members = await store.rangeDesc(shownKey(key), 0, -1)
  const ids = new Set<bigint>()
  for (const { member } of members) {
    for (const hex of member.split(',')) {
      if (/^[0-9a-f]{1,16}$/.test(hex)) ids.add(BigInt(`0x${hex}`))
    }
  }
  return { ids, members: members.length }
}

/** Whether the article was shown to the viewer (a trace for it is then genuine feedback). */
export async function wasShown(store: SortedSetStore, key: string, id: bigint): Promise<boolean> {
  return (await shownArticles(store, key)).ids.has(id)
}

/**
 * Remembers a page as shown (score = when). Only when the state is full (`stored` members, as
 * read before) are the oldest pages dropped, keeping SHOWN_PAGES_KEEP.
 */
export async function markShown(
  store: SortedSetStore,
  key: string,
  ids: readonly bigint[],
  nowMs: number,
  stored: number,
): Promise<void> {
  const members: string[] = []
  for (let i = 0; i < ids.length; i += IDS_PER_MEMBER) {
    members.push(
      ids
        .slice(i, i + IDS_PER_MEMBER)
        .map((id) => id.toString(16))
        .join(','),
    )
  }
  const last = members.pop()
  if (last === undefined) return
  const ttl = ttlOf(key)
  await Promise.all(members.map((member) => store.add(shownKey(key), member, nowMs, ttl)))
  if (stored + members.length + 1 > SHOWN_PAGES_KEEP) {
    await store.addCapped(shownKey(key), last, nowMs, SHOWN_PAGES_KEEP, ttl)
  } else {
    await store.add(shownKey(key), last, nowMs, ttl)
  }
}

/** Feedback actions reported through `Trace` headers. */
export type SignalAction = 'click' | 'read' | 'collect' | 'share'

/** One piece of feedback: what the viewer did with an article, and when. */
export interface Signal {
  action: SignalAction
  articleId: bigint
  channelId: number
  authorId: bigint
  atMs: number
}

/**
 * Records feedback. The member is `action|article|channel|author`, so repeating an action on
 * one article only refreshes its time (no inflation), and ranking needs no article lookups.
 */
export async function addSignal(store: SortedSetStore, key: string, signal: Signal) {
  const member = [signal.action, signal.articleId, signal.channelId, signal.authorId].join('|')
  await store.addCapped(signalsKey(key), member, signal.atMs, SIGNALS_KEEP, ttlOf(key))
}

/** The viewer's feedback, newest first. */
export async function recentSignals(store: SortedSetStore, key: string): Promise<Signal[]> {
  const members = await store.rangeDesc(signalsKey(key), 0, SIGNALS_KEEP - 1)
  return members.flatMap(({ member, score }) => {
    const [action, article, channel, author] = member.split('|')
    if (!isAction(action) || !article || !channel || !author) return []
    try {
      const channelId = Number(channel)
      return [
        { action, articleId: BigInt(article), channelId, authorId: BigInt(author), atMs: score },
      ]
    } catch {
      return []
    }
  })
}

/** True for the actions that count as feedback. */
export function isAction(action: string | undefined): action is SignalAction {
  return action === 'click' || action === 'read' || action === 'collect' || action === 'share'
}
