import type { Deps } from '../../deps.js'
import { TTL, type EntryPolicy } from '../../infra/cache/ttl.js'
import { COUNTERS } from '../../infra/store/counters.js'
import { cachedUser } from '../users/users.cache.js'
import type { UserRecord } from '../users/users.repo.js'
import { photoUrl } from '../users/users.service.js'
import { cachedArticleInfo } from './articles.cache.js'
import type { ArticleInfo, Cover } from './articles.repo.js'

/** The original's `article_info` list item, plus `aut_photo` that real clients read. */
export interface ArticleCard {
  art_id: bigint
  title: string
  aut_id: bigint
  aut_name: string
  aut_photo: string
  pubdate: string
  ch_id: number
  cover: Cover
  is_top: 0 | 1
  comm_count: number
  like_count: number
  collect_count: number
}

type CardDeps = Pick<Deps, 'cache' | 'db' | 'counters' | 'storage' | 'sortedSets'>

const pinnedPolicy: EntryPolicy = { name: 'channel_top', ttl: TTL.channelTop }
const pinnedKey = (channelId: number) => `ch:${channelId}:art:top:ids`

/** The pinned article ids of a channel (the persistent `ch:{id}:art:top`, cached briefly). */
export async function pinnedArticleIds(
  deps: Pick<Deps, 'sortedSets' | 'cache'>,
  channelId: number,
): Promise<bigint[]> {
  return [...pinnedOf(await cachedPinned(deps, channelId))]
}

const cachedPinned = async (deps: Pick<Deps, 'sortedSets' | 'cache'>, channelId: number) =>
  (await deps.cache.getOrLoad(pinnedKey(channelId), pinnedPolicy, async () => {
    const members = await deps.sortedSets.rangeDesc(`ch:${channelId}:art:top`, 0, -1)
    return members.map((m) => m.member)
  })) ?? EMPTY_LIST
const EMPTY_LIST: readonly string[] = []

// The ids of a cached list of pinned ids, read once per cached value (pages read them per card).
const pinnedSets = new WeakMap<readonly string[], ReadonlySet<bigint>>()
const pinnedOf = (ids: readonly string[]): ReadonlySet<bigint> => {
  let set = pinnedSets.get(ids)
  if (!set) pinnedSets.set(ids, (set = new Set(ids.map((id) => BigInt(id)))))
  return set
}

/** After an admin pins or unpins articles of a channel. */
export function forgetPinned(deps: Pick<Deps, 'cache'>, channelId: number): Promise<void> {
  return deps.cache.delete(pinnedKey(channelId))
}

/** Full URLs of cover images (seeded and uploaded ones are storage keys; mp stores URLs). */
export function coverUrls(deps: Pick<Deps, 'storage'>, cover: Cover): Cover {
  const url = (image: string) => (/^https?:\/\//.test(image) ? image : deps.storage.url(image))
  return { type: cover.type, images: cover.images.map(url) }
}

/** What a page of cards is made of: the approved articles of the ids, their authors and counts. */
async function cardParts(deps: CardDeps, ids: readonly bigint[]) {
  const infos = (await Promise.all(ids.map((id) => cachedArticleInfo(deps, id)))).filter(
    (info): info is ArticleInfo => info !== null,
  )
  if (infos.length === 0) return null
  const found = infos.map((info) => info.art_id)
  const [authors, pinned, comments, likes, collects] = await Promise.all([
    Promise.all(infos.map((info) => cachedUser(deps, info.aut_id))),
    pinnedByChannel(deps, infos),
    deps.counters.getMany(COUNTERS.articleComments, found),
    deps.counters.getMany(COUNTERS.articleLiking, found),
    deps.counters.getMany(COUNTERS.articleCollecting, found),
  ])
  return { infos, authors, pinned, comments, likes, collects }
}

/** Cards for the ids that still exist (approved), in the order given. */
export async function articleCards(deps: CardDeps, ids: readonly bigint[]): Promise<ArticleCard[]> {
  const parts = await cardParts(deps, ids)
  if (!parts) return []
  const { infos, authors, pinned, comments, likes, collects } = parts
  return infos.map((info, i) => ({
    art_id: info.art_id,
    title: info.title,
    aut_id: info.aut_id,
    aut_name: authors[i]?.name ?? '',
    aut_photo: photoUrl(deps, authors[i] ?? { photo: '' }),
    pubdate: info.pubdate,
    ch_id: info.ch_id,
    cover: coverUrls(deps, info.cover),
    is_top: pinned.get(info.ch_id)?.has(info.art_id) ? 1 : 0,
    comm_count: comments[i] ?? 0,
    like_count: likes[i] ?? 0,
    collect_count: collects[i] ?? 0,
  }))
}

/**
 * The same cards as JSON text, each without its closing brace (a feed item appends its trace),
 * byte for byte what the card schema's serializer writes. The parts that only change with the
 * cached article and author entries are kept per cached value and reused while the cache answers
 * with it; pinning and counts are written each time.
 */
export async function articleCardTexts(
  deps: CardDeps,
  ids: readonly bigint[],
): Promise<{ id: bigint; text: string }[]> {
  const parts = await cardParts(deps, ids)
  if (!parts) return []
  const { infos, authors, pinned, comments, likes, collects } = parts
  const texts = textsOf(deps.storage)
  return infos.map((info, i) => ({
    id: info.art_id,
    text:
      texts.head(info) +
      texts.author(authors[i] ?? null) +
      texts.tail(info) +
      `,"is_top":${pinned.get(info.ch_id)?.has(info.art_id) ? 1 : 0},"comm_count":` +
      `${int(comments[i])},"like_count":${int(likes[i])},"collect_count":${int(collects[i])}`,
  }))
}

// Counts are integers; anything else is written as the integer schema would (truncated).
const int = (n: number | undefined) => (n === undefined ? '0' : String(Math.trunc(n)))
const str = (s: string) => JSON.stringify(s)

type Texts = {
  head(info: ArticleInfo): string
  author(user: UserRecord | null): string
  tail(info: ArticleInfo): string
}
const textsByStorage = new WeakMap<Deps['storage'], Texts>()
const NO_AUTHOR = `"aut_name":"","aut_photo":`

function textsOf(storage: Deps['storage']): Texts {
  const held = textsByStorage.get(storage)
  if (held) return held
  const heads = new WeakMap<ArticleInfo, string>()
  const tails = new WeakMap<ArticleInfo, string>()
  const authors = new WeakMap<UserRecord, string>()
  const deps = { storage }
  const texts: Texts = {
    head(info) {
      let text = heads.get(info)
      if (text === undefined) {
        text = `{"art_id":${info.art_id},"title":${str(info.title)},"aut_id":${info.aut_id},`
        heads.set(info, text)
      }
      return text
    },
    author(user) {
      if (!user) return `${NO_AUTHOR}${str(photoUrl(deps, { photo: '' }))},`
      let text = authors.get(user)
      if (text === undefined) {
        text = `"aut_name":${str(user.name ?? '')},"aut_photo":${str(photoUrl(deps, user))},`
        authors.set(user, text)
      }
      return text
    },
    tail(info) {
      let text = tails.get(info)
      if (text === undefined) {
        const cover = coverUrls(deps, info.cover)
        text =
          `"pubdate":${str(info.pubdate)},"ch_id":${int(info.ch_id)},"cover":{"type":` +
          `${int(cover.type)},"images":[${cover.images.map(str).join(',')}]}`
        tails.set(info, text)
      }
      return text
    },
  }
  textsByStorage.set(storage, texts)
  return texts
}

async function pinnedByChannel(deps: CardDeps, infos: ArticleInfo[]) {
  const channels = [...new Set(infos.map((info) => info.ch_id))]
  const lists = await Promise.all(
    channels.map((channel) => cachedPinned(deps, channel).then(pinnedOf, () => EMPTY)),
  )
  return new Map(channels.map((channel, i) => [channel, lists[i]!]))
}

const EMPTY: ReadonlySet<bigint> = new Set()
