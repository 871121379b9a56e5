import type { Logger } from 'pino'
import type { CircuitBreaker } from './circuit-breaker.js'
import type { RecoMetrics } from './reco-metrics.js'
import type { Recommender } from './recommender.js'

export interface ResilienceOptions {
  /** Serves when the primary fails, is too slow, or its circuit is open. */
  fallback: Recommender
  /** Longest wait for the primary; the primary is told (AbortSignal) when it passes. */
  deadlineMs: number
  breaker?: CircuitBreaker
  metrics: RecoMetrics
  log: Pick<Logger, 'warn'>
}

/** Thrown (internally) when the deadline passes first. */
class DeadlineError extends Error {
  constructor(readonly deadlineMs: number) {
    super(`no answer within ${deadlineMs} ms`)
  }
}

/**
 * A recommender that never fails the feed: the primary (gRPC client or in-process strategy)
 * within a deadline and behind an optional circuit breaker, else the fallback. Similar articles
 * get the same treatment.
 */
export function resilient(primary: Recommender, options: ResilienceOptions): Recommender {
  const { fallback, breaker, metrics, log } = options

  async function guarded<T>(
    method: string,
    call: (signal: AbortSignal) => Promise<T>,
    fallbackCall: () => Promise<T>,
  ): Promise<T> {
    if (breaker && !breaker.allow()) {
      metrics.fallback(method, 'circuit_open')
      return fallbackCall()
    }
    const controller = new AbortController()
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort()
        reject(new DeadlineError(options.deadlineMs))
      }, options.deadlineMs)
    })
    const started = performance.now()
    try {
      const result = await Promise.race([call(controller.signal), deadline])
      breaker?.success()
      metrics.call(method, 'ok', (performance.now() - started) / 1000)
      return result
    } catch (error) {
      const timedOut = error instanceof DeadlineError || isDeadlineStatus(error)
      breaker?.failure()
      metrics.call(method, timedOut ? 'timeout' : 'error', (performance.now() - started) / 1000)
      metrics.fallback(method, timedOut ? 'timeout' : 'error')
      // One line per failure, no stack: during an outage the breaker keeps these few.
      const reason = error instanceof Error ? error.message : String(error)
      log.warn({ method, reason }, 'recommender unavailable: serving the newest-first fallback')
      return fallbackCall()
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    userRecommend: (request) =>
      guarded(
        'user_recommend',
        (signal) => primary.userRecommend({ ...request, signal }),
        () => fallback.userRecommend(request),
      ),
    similarArticles: (articleId, count) =>
      guarded(
        'article_recommend',
        () => primary.similarArticles(articleId, count),
        () => fallback.similarArticles(articleId, count),
      ),
    candidatesChanged: (channelIds) => primary.candidatesChanged?.(channelIds),
    close: async () => primary.close?.(),
  }
}

// gRPC DEADLINE_EXCEEDED (4) or CANCELLED (1, after our own abort).
function isDeadlineStatus(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === 4 || code === 1
}
