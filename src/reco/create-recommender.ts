import type { Deps } from '../deps.js'
import type { ArticleListener } from '../infra/events/article-events.js'
import { APPROVED_STATUS } from '../infra/search/search-engine.js'
import { circuitBreaker } from './circuit-breaker.js'
import { grpcRecommender, grpcTarget } from './client.js'
import { latestStrategy } from './latest-strategy.js'
import { recoMetrics } from './reco-metrics.js'
import type { Recommender } from './recommender.js'
import { resilient } from './resilient.js'
import { scoredStrategy } from './scored-strategy.js'

/** The in-process strategy only needs a guard against a hung store. */
export const LOCAL_DEADLINE_MS = 2_000

type RecommenderDeps = Pick<
  Deps,
  'config' | 'log' | 'db' | 'cache' | 'sortedSets' | 'counters' | 'metrics'
>

/**
 * The feed's recommender: the gRPC service at `RECO_GRPC_URL` when set, else the same strategy
 * in process; either way with a deadline, metrics and the newest-first fallback.
 */
export function createRecommender(deps: RecommenderDeps): Recommender {
  const fallback = latestStrategy(deps)
  const url = deps.config.recoGrpcUrl
  if (url === undefined) {
    return resilient(scoredStrategy(deps), {
      fallback,
      deadlineMs: LOCAL_DEADLINE_MS,
      metrics: recoMetrics(deps.metrics.registry, 'local'),
      log: deps.log,
    })
  }
  const metrics = recoMetrics(deps.metrics.registry, 'grpc')
  const deadlineMs = deps.config.recoDeadlineMs
  return resilient(grpcRecommender(grpcTarget(url), { deadlineMs }), {
    fallback,
    deadlineMs,
    breaker: circuitBreaker({
      onChange: (state) => {
        metrics.circuit(state)
        deps.log.warn({ state }, 'recommender circuit breaker')
      },
    }),
    metrics,
    log: deps.log,
  })
}

/** The recommender's part after a lifecycle change: pools of the channels touched are reloaded. */
export function recommenderReaction(recommender: Recommender): ArticleListener {
  return async (changes) => {
    const channels = new Set<number>()
    for (const change of changes) {
      if (change.from !== APPROVED_STATUS && change.to !== APPROVED_STATUS) continue
      channels.add(change.channelId)
      if (change.previousChannelId !== undefined) channels.add(change.previousChannelId)
    }
    if (channels.size > 0) recommender.candidatesChanged?.([...channels])
  }
}
