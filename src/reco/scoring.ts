import type { Signal } from './reco-state.js'

/** A recent approved article with its counters, as the ranking sees it. */
export interface Candidate {
  id: bigint
  channelId: number
  authorId: bigint
  createdMs: number
  reads: number
  likes: number
  collects: number
  comments: number
}

/** An article the user interacted with, located by channel and author. */
export interface Touched {
  channelId: number
  authorId: bigint
  /** When, for signals that fade; undefined for standing ones (likes, collections). */
  atMs?: number
}

/** What the ranking knows about a viewer. */
export interface Profile {
  /** Never recommended: shown before, read, disliked. */
  excluded: Set<bigint>
  /** Blacklisted authors. */
  blockedAuthors: Set<bigint>
  /** Interest per channel and per author (sums of weighted, decayed signals). */
  channels: Map<number, number>
  authors: Map<bigint, number>
}

/** Weights of the score's four parts (each part is in [0, 1]). */
export const SCORE_WEIGHTS = { freshness: 1, popularity: 0.5, channel: 0.8, author: 0.6 }
/** Freshness halves every two days. */
export const FRESHNESS_HALF_LIFE_HOURS = 48
/** Feedback and reads count half after a week; likes, collections and follows do not fade. */
export const SIGNAL_HALF_LIFE_DAYS = 7
/** Interest w becomes w / (w + this): one click already shows, many clicks saturate. */
export const INTEREST_SATURATION = 2
/** Weight of each kind of signal toward the interest in a channel and an author. */
export const SIGNAL_WEIGHTS = {
  click: 1,
  read: 2,
  share: 2,
  collect: 3,
  history: 1,
  like: 3,
  collection: 3,
  follow: 4,
} as const

const HOUR_MS = 3_600_000

/** Reads, comments, likes and collections, the rarer ones counting more. */
export function engagementOf(c: Candidate): number {
  return c.reads + 2 * c.comments + 3 * c.likes + 4 * c.collects
}

/** 1 for an article published now, 0.5 a day later, never below 0. */
export function freshnessOf(createdMs: number, nowMs: number): number {
  const ageHours = Math.max(0, nowMs - createdMs) / HOUR_MS
  return 0.5 ** (ageHours / FRESHNESS_HALF_LIFE_HOURS)
}

/** The weight of a signal at `nowMs`: halves every SIGNAL_HALF_LIFE_DAYS, future ones count full. */
export function decayed(weight: number, atMs: number | undefined, nowMs: number): number {
  if (atMs === undefined) return weight
  const ageDays = Math.max(0, nowMs - atMs) / (24 * HOUR_MS)
  return weight * 0.5 ** (ageDays / SIGNAL_HALF_LIFE_DAYS)
}

/** The viewer's raw material for a profile; users have all of it, devices only the first three. */
export interface ProfileInput {
  shown: Iterable<bigint>
  signals: readonly Signal[]
  read?: Iterable<bigint>
  disliked?: Iterable<bigint>
  blockedAuthors?: Iterable<bigint>
  /** Read articles (history), liked, collected ones, and followed authors. */
  history?: readonly Touched[]
  liked?: readonly Touched[]
  collected?: readonly Touched[]
  followed?: Iterable<bigint>
}

/** Folds the viewer's signals into exclusions and channel/author interests. */
export function buildProfile(input: ProfileInput, nowMs: number): Profile {
  const channels = new Map<number, number>()
  const authors = new Map<bigint, number>()
  const add = (touched: Touched, weight: number) => {
    const w = decayed(weight, touched.atMs, nowMs)
    channels.set(touched.channelId, (channels.get(touched.channelId) ?? 0) + w)
    authors.set(touched.authorId, (authors.get(touched.authorId) ?? 0) + w)
  }
  for (const signal of input.signals) add(signal, SIGNAL_WEIGHTS[signal.action])
  for (const touched of input.history ?? []) add(touched, SIGNAL_WEIGHTS.history)
  for (const touched of input.liked ?? []) add(touched, SIGNAL_WEIGHTS.like)
  for (const touched of input.collected ?? []) add(touched, SIGNAL_WEIGHTS.collection)
  for (const author of input.followed ?? []) {
    authors.set(author, (authors.get(author) ?? 0) + SIGNAL_WEIGHTS.follow)
  }
  return {
    excluded: new Set([...input.shown, ...(input.read ?? []), ...(input.disliked ?? [])]),
    blockedAuthors: new Set(input.blockedAuthors ?? []),
    channels,
    authors,
  }
}

const saturate = (w: number | undefined) => (w && w > 0 ? w / (w + INTEREST_SATURATION) : 0)

type Ranked = { candidate: Candidate; score: number }

// Best first; equal scores: newer first, then the larger id.
const byRank = (a: Ranked, b: Ranked) =>
  b.score - a.score ||
  b.candidate.createdMs - a.candidate.createdMs ||
  (b.candidate.id > a.candidate.id ? 1 : b.candidate.id < a.candidate.id ? -1 : 0)

/**
 * A pool scored once for everybody: freshness and popularity (relative to the pool's most engaging
 * candidate, on a log scale), best first. A viewer's page adds only their interests to these.
 */
export interface RankedPool {
  readonly ranked: readonly Ranked[]
}

/** Scores a pool's viewer-independent parts at `nowMs` and sorts it by them. */
export function rankPool(pool: readonly Candidate[], nowMs: number): RankedPool {
  let most = 0
  for (const candidate of pool) most = Math.max(most, engagementOf(candidate))
  const top = Math.log1p(most)
  const ranked = pool.map((candidate) => ({
    candidate,
    score:
      SCORE_WEIGHTS.freshness * freshnessOf(candidate.createdMs, nowMs) +
      SCORE_WEIGHTS.popularity * (top > 0 ? Math.log1p(engagementOf(candidate)) / top : 0),
  }))
  return { ranked: ranked.sort(byRank) }
}

// Sums can round differently from the bound by a few ulps.
const EPSILON = 1e-9

/**
 * The candidates of a ranked pool the viewer may see, best first, with their scores; the best
 * `limit` of them only when given. Without interests the pool's order is the viewer's: the page is
 * its first allowed entries. With interests, the scan stops once no later candidate, even with
 * the largest interest bonus the viewer can give, reaches the page's worst entry.
 */
export function pickPage(pool: RankedPool, profile: Profile, limit = Infinity): Ranked[] {
  const allowed = (c: Candidate) =>
    !profile.excluded.has(c.id) && !profile.blockedAuthors.has(c.authorId)
  const best: Ranked[] = []
  if (profile.channels.size === 0 && profile.authors.size === 0) {
    for (const entry of pool.ranked) {
      if (best.length >= limit) break
      if (allowed(entry.candidate)) best.push(entry)
    }
    return best
  }
  let bonus = 0
  let most = 0
  for (const w of profile.channels.values()) most = Math.max(most, saturate(w))
  bonus += SCORE_WEIGHTS.channel * most
  most = 0
  for (const w of profile.authors.values()) most = Math.max(most, saturate(w))
  bonus += SCORE_WEIGHTS.author * most
  for (const { candidate, score: base } of pool.ranked) {
    const worst = best.length >= limit ? best[limit - 1] : undefined
    if (worst && base + bonus + EPSILON < worst.score) break
    if (!allowed(candidate)) continue
    const score =
      base +
      SCORE_WEIGHTS.channel * saturate(profile.channels.get(candidate.channelId)) +
      SCORE_WEIGHTS.author * saturate(profile.authors.get(candidate.authorId))
    if (worst && score < worst.score) continue
    const entry = { candidate, score }
    if (worst && byRank(entry, worst) >= 0) continue
    let i = worst ? limit - 1 : best.length
    best[i] = entry
    for (; i > 0 && byRank(best[i]!, best[i - 1]!) < 0; i--) {
      ;[best[i], best[i - 1]] = [best[i - 1]!, best[i]!]
    }
  }
  return best
}

/**
 * The candidates the viewer may see, best first, with their scores (`rankPool` then `pickPage`);
 * the best `limit` of them only when given.
 */
export function rankCandidates(
  pool: readonly Candidate[],
  profile: Profile,
  nowMs: number,
  limit = Infinity,
): Ranked[] {
  return pickPage(rankPool(pool, nowMs), profile, limit)
}
