import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js'
import { HealthImplementation } from 'grpc-health-check'
import type { Logger } from 'pino'
import {
  loadUserRecommend,
  type ArticleMessage,
  type SimilarMessage,
  type TrackMessage,
  type UserMessage,
} from './proto.js'
import type { FeedPage, Recommender } from './recommender.js'
import { warmSegmenter } from './similarity.js'

/** The original API asks for 10 articles; `article_num` 0 (unset) means that. */
const DEFAULT_COUNT = 10
/** The service name reported by `grpc.health.v1.Health` besides the overall ('') status. */
export const HEALTH_SERVICE = 'UserRecommend'

export interface RecoServer {
  /** The bound port (useful with port 0). */
  readonly port: number
  /** Reports NOT_SERVING, lets calls in flight finish for up to `graceMs`, then stops. */
  close(graceMs?: number): Promise<void>
}

export interface RecoServerOptions {
  host: string
  port: number
  log: Pick<Logger, 'warn' | 'error' | 'info'>
}

/** Serves `UserRecommend` (and `grpc.health.v1.Health`) with a strategy. */
export async function startRecoServer(
  strategy: Recommender,
  options: RecoServerOptions,
): Promise<RecoServer> {
  // Before SERVING: the first article_recommend must not pay for loading the dictionary.
  warmSegmenter()
  const server = new Server({ 'grpc.max_receive_message_length': 64 * 1024 })
  const health = new HealthImplementation({ '': 'NOT_SERVING', [HEALTH_SERVICE]: 'NOT_SERVING' })
  health.addToServer(server)
  server.addService(loadUserRecommend().service, handlers(strategy, options.log))
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`,
      ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  )
  health.setStatus('', 'SERVING')
  health.setStatus(HEALTH_SERVICE, 'SERVING')
  return {
    port,
    async close(graceMs = 5_000) {
      health.setStatus('', 'NOT_SERVING')
      health.setStatus(HEALTH_SERVICE, 'NOT_SERVING')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown()
          resolve()
        }, graceMs)
        server.tryShutdown(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    },
  }
}

type Call<Req> = ServerUnaryCall<Req, unknown>

/**
 * A controller aborted when the call's deadline passes or the client cancels, so the strategy
 * never records a page nobody will receive. Null when the deadline has already passed.
 */
function callSignal(call: Call<unknown>): { signal: AbortSignal; done(): void } | null {
  const deadline = call.getDeadline()
  const at = deadline instanceof Date ? deadline.getTime() : Number(deadline)
  const remaining = at - Date.now()
  if (remaining <= 0) return null
  const controller = new AbortController()
  const timer = Number.isFinite(remaining)
    ? setTimeout(() => controller.abort(), Math.min(remaining, 2 ** 31 - 1))
    : undefined
  call.on('cancelled', () => controller.abort())
  return { signal: controller.signal, done: () => clearTimeout(timer) }
}

function handlers(
  strategy: Recommender,
  log: RecoServerOptions['log'],
): UntypedServiceImplementation {
  const deadlineExceeded = { code: status.DEADLINE_EXCEEDED, details: 'deadline exceeded' }
  const fail = (error: unknown, method: string) => {
    log.error({ err: error, method }, 'recommendation failed')
    return { code: status.INTERNAL, details: 'recommendation failed' }
  }
  return {
    user_recommend(call: Call<UserMessage>, callback: sendUnaryData<TrackMessage>) {
      const { user_id, channel_id, article_num, time_stamp } = call.request
      if (channel_id < 0 || user_id.length > 200) {
        return callback({ code: status.INVALID_ARGUMENT, details: 'bad channel_id or user_id' })
      }
      const guard = callSignal(call)
      if (!guard) return callback(deadlineExceeded)
      const timestamp = Number(time_stamp)
      strategy
        .userRecommend({
          viewer: user_id,
          // Digits are a user id; anything else is an anonymous device (see wireDeviceId).
          userId: /^[1-9]\d{0,18}$/.test(user_id) ? BigInt(user_id) : null,
          channelId: channel_id,
          count: article_num > 0 ? article_num : DEFAULT_COUNT,
          timestamp: timestamp > 0 ? timestamp : Date.now(),
          signal: guard.signal,
        })
        .then(
          (page) => callback(guard.signal.aborted ? deadlineExceeded : null, toTrack(page)),
          (error: unknown) =>
            callback(guard.signal.aborted ? deadlineExceeded : fail(error, 'user')),
        )
        .finally(() => guard.done())
        .catch((error: unknown) => log.error({ err: error, method: 'user' }, 'reply failed'))
    },

    article_recommend(call: Call<ArticleMessage>, callback: sendUnaryData<SimilarMessage>) {
      const id = String(call.request.article_id)
      if (!/^[1-9]\d{0,18}$/.test(id)) return callback(null, { article_id: [] })
      const count = call.request.article_num > 0 ? call.request.article_num : DEFAULT_COUNT
      strategy
        .similarArticles(BigInt(id), count)
        .then(
          (ids) => callback(null, { article_id: ids.map(String) }),
          (error: unknown) => callback(fail(error, 'article')),
        )
        .catch((error: unknown) => log.error({ err: error, method: 'article' }, 'reply failed'))
    },
  }
}

function toTrack(page: FeedPage): TrackMessage {
  return {
    exposure: page.exposure,
    time_stamp: String(page.timestamp),
    recommends: page.items.map((item) => ({
      article_id: item.articleId.toString(),
      params: item.trace,
    })),
  }
}
