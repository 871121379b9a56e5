import type { Deps } from '../deps.js'
import { cachedArticleInfo } from '../features/articles/articles.cache.js'
import { READING_HISTORY_SIZE } from '../features/history/reading-history.js'
import { ATTITUDE, cachedAttitudes } from '../features/interactions/attitudes.cache.js'
import { cachedCollections } from '../features/interactions/collections.cache.js'
import { RELATION } from '../features/social/relations.repo.js'
import { cachedRelations } from '../features/social/relations.cache.js'
import type { CandidatePools } from './candidates.js'
import { recentSignals, shownArticles, type Viewer } from './reco-state.js'
import { buildProfile, type Profile, type ProfileInput, type Touched } from './scoring.js'

/** Likes, collections and reads looked at for interests (all reads are still excluded). */
const INTEREST_SAMPLE = 30

type ProfileDeps = Pick<Deps, 'db' | 'cache' | 'sortedSets'>

/**
 * Everything the ranking needs about a viewer, read from the shared stores; and how many pages
 * the shown-state holds (for markShown).
 */
export async function loadProfile(
  deps: ProfileDeps,
  pools: CandidatePools,
  viewer: Viewer,
  nowMs: number,
): Promise<{ profile: Profile; shownPages: number }> {
  const [shown, signals, user] = await Promise.all([
    shownArticles(deps.sortedSets, viewer.key),
    recentSignals(deps.sortedSets, viewer.key),
    viewer.kind === 'user' ? loadUserInput(deps, pools, viewer.id) : {},
  ])
  return {
    profile: buildProfile({ shown: shown.ids, signals, ...user }, nowMs),
    shownPages: shown.members,
  }
}

async function loadUserInput(
  deps: ProfileDeps,
  pools: CandidatePools,
  userId: bigint,
): Promise<Omit<ProfileInput, 'shown' | 'signals'>> {
  const [history, attitudes, relations, collections] = await Promise.all([
    deps.sortedSets.rangeDesc(`user:${userId}:his:reading`, 0, READING_HISTORY_SIZE - 1),
    cachedAttitudes(deps, userId),
    cachedRelations(deps, userId),
    cachedCollections(deps, userId),
  ])
  const read = history.map((entry) => BigInt(entry.member))
  const byAttitude = (attitude: number) =>
    Object.entries(attitudes)
      .filter(([, value]) => value === attitude)
      .map(([id]) => BigInt(id))
  // Snowflake ids grow with time: the highest liked ids are the most recent likes.
  const liked = byAttitude(ATTITUDE.like).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))
  const byRelation = (relation: number) =>
    Object.entries(relations)
      .filter(([, value]) => value === relation)
      .map(([id]) => BigInt(id))
  const locate = (ids: readonly bigint[], times?: readonly number[]) =>
    touchedArticles(deps, pools, ids.slice(0, INTEREST_SAMPLE), times)
  const [historyTouched, likedTouched, collectedTouched] = await Promise.all([
    locate(
      read,
      history.map((entry) => entry.score * 1000),
    ),
    locate(liked),
    locate(collections.map((c) => c.id)),
  ])
  return {
    read,
    disliked: byAttitude(ATTITUDE.dislike),
    blockedAuthors: byRelation(RELATION.blacklist),
    followed: byRelation(RELATION.follow),
    history: historyTouched,
    liked: likedTouched,
    collected: collectedTouched,
  }
}

// Channel and author of each article: from a loaded pool when there, else the article cache.
async function touchedArticles(
  deps: ProfileDeps,
  pools: CandidatePools,
  ids: readonly bigint[],
  times?: readonly number[],
): Promise<Touched[]> {
  const found = await Promise.all(
    ids.map(async (id, i): Promise<Touched | null> => {
      const atMs = times?.[i]
      const candidate = pools.locate(id)
      if (candidate) return { channelId: candidate.channelId, authorId: candidate.authorId, atMs }
      const info = await cachedArticleInfo(deps, id).catch(() => null)
      return info ? { channelId: info.ch_id, authorId: info.aut_id, atMs } : null
    }),
  )
  return found.filter((touched): touched is Touched => touched !== null)
}
