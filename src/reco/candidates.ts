import type { Deps } from '../deps.js'
import { ARTICLE_STATUS } from '../features/articles/articles.repo.js'
import { msOfDateTime, toId, toInt } from '../infra/db/values.js'
import { COUNTERS } from '../infra/store/counters.js'
import { rankPool, type Candidate, type RankedPool } from './scoring.js'

/** Candidates per request: the newest approved articles of a channel, or of all of them (0). */
export const POOL_SIZE = { channel: 300, all: 1000 }
/** How long a loaded pool serves before it is read again (new articles show up after this). */
export const POOL_TTL_MS = 15_000
// Channel ids come from the network: never hold more pools than this.
const MAX_POOLS = 128

type PoolDeps = Pick<Deps, 'db' | 'counters'>

/** Loads a channel's candidates with their counters from SQL and the counter store. */
export async function loadCandidates(deps: PoolDeps, channelId: number): Promise<Candidate[]> {
  let query = deps.db.read
    .selectFrom('news_article_basic')
    .select(['article_id', 'user_id', 'channel_id', 'create_time'])
    .where('status', '=', ARTICLE_STATUS.approved)
  if (channelId !== 0) query = query.where('channel_id', '=', channelId)
  const rows = await query
    .orderBy('create_time', 'desc')
    .orderBy('article_id', 'desc')
    .limit(channelId === 0 ? POOL_SIZE.all : POOL_SIZE.channel)
    .execute()
  const ids = rows.map((row) => toId(row.article_id))
  const [reads, likes, collects, comments] = await Promise.all([
    deps.counters.getMany(COUNTERS.articleReading, ids),
    deps.counters.getMany(COUNTERS.articleLiking, ids),
    deps.counters.getMany(COUNTERS.articleCollecting, ids),
    deps.counters.getMany(COUNTERS.articleComments, ids),
  ])
  return rows.map((row, i) => ({
    id: ids[i] as bigint,
    channelId: toInt(row.channel_id),
    authorId: toId(row.user_id),
    createdMs: msOfDateTime(row.create_time),
    reads: reads[i] ?? 0,
    likes: likes[i] ?? 0,
    collects: collects[i] ?? 0,
    comments: comments[i] ?? 0,
  }))
}

/** Per-process pools, each loaded and ranked at most once per TTL (concurrent requests share one load). */
export interface CandidatePools {
  /** The channel's candidates, scored for everybody (rankPool) when they were loaded. */
  get(channelId: number): Promise<RankedPool>
  /** Where an article is, if a loaded pool holds it (spares article lookups). */
  locate(id: bigint): Candidate | undefined
  /** Drops the pools of these channels and of every channel (0): the next get reloads them. */
  forget(channelIds: readonly number[]): void
}

/** Pools read through `load` (tests pass their own clock). */
export function candidatePools(
  load: (channelId: number) => Promise<Candidate[]>,
  options: { ttlMs?: number; now?: () => number } = {},
): CandidatePools {
  const ttl = options.ttlMs ?? POOL_TTL_MS
  const now = options.now ?? Date.now
  const pools = new Map<number, { at: number; pool: Promise<RankedPool> }>()
  const index = new Map<bigint, Candidate>()
  return {
    get(channelId) {
      const held = pools.get(channelId)
      if (held && now() - held.at < ttl) return held.pool
      if (!held && pools.size >= MAX_POOLS) pools.delete(pools.keys().next().value as number)
      const at = now()
      const pool = load(channelId).then((list) => {
        if (index.size > POOL_SIZE.all * 4) index.clear()
        for (const candidate of list) index.set(candidate.id, candidate)
        return rankPool(list, at)
      })
      pools.set(channelId, { at, pool })
      // A failed load is not kept: the next request tries again.
      pool.catch(() => pools.get(channelId)?.pool === pool && pools.delete(channelId))
      return pool
    },
    locate: (id) => index.get(id),
    forget(channelIds) {
      pools.delete(0)
      for (const channelId of channelIds) pools.delete(channelId)
    },
  }
}
