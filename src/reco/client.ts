import {
  credentials,
  type Client,
  type ClientUnaryCall,
  type ServiceError,
  type CallOptions,
} from '@grpc/grpc-js'
import {
  loadUserRecommend,
  type ArticleMessage,
  type SimilarMessage,
  type TrackMessage,
  type UserMessage,
} from './proto.js'
import { wireDeviceId } from './reco-state.js'
import type { FeedPage, FeedRequest, Recommender } from './recommender.js'

type Unary<Req, Res> = (
  request: Req,
  options: CallOptions,
  callback: (error: ServiceError | null, response?: Res) => void,
) => ClientUnaryCall

interface UserRecommendStub extends Client {
  user_recommend: Unary<UserMessage, TrackMessage>
  article_recommend: Unary<ArticleMessage, SimilarMessage>
}

export interface GrpcRecommenderOptions {
  /** Per-call deadline; the server sees it and stops working when it passes. */
  deadlineMs: number
}

/** The channel target of `RECO_GRPC_URL`: `grpc://host:port` or plain `host:port`. */
export function grpcTarget(url: string): string {
  return url.startsWith('grpc://') ? url.slice('grpc://'.length).replace(/\/+$/, '') : url
}

/**
 * A client of any `UserRecommend` service (Headline's or the original's). It throws on every
 * failure; `resilient()` adds the fallback, breaker and metrics.
 */
export function grpcRecommender(
  target: string,
  options: GrpcRecommenderOptions,
): Recommender & { close(): Promise<void> } {
  const Stub = loadUserRecommend()
  const stub = new Stub(target, credentials.createInsecure(), {
    // Come back quickly once the service is up again (the default backoff grows to 2 minutes).
    'grpc.initial_reconnect_backoff_ms': 250,
    'grpc.max_reconnect_backoff_ms': 2_000,
    'grpc.keepalive_time_ms': 30_000,
  }) as unknown as UserRecommendStub

  function unary<Req, Res>(method: Unary<Req, Res>, request: Req, signal?: AbortSignal) {
    return new Promise<Res>((resolve, reject) => {
      const call = method.call(
        stub,
        request,
        { deadline: Date.now() + options.deadlineMs },
        (error, response) =>
          error || !response ? reject(error ?? new Error('empty')) : resolve(response),
      )
      signal?.addEventListener('abort', () => call.cancel(), { once: true })
    })
  }

  return {
    async userRecommend(request: FeedRequest): Promise<FeedPage> {
      const track = await unary(
        stub.user_recommend,
        {
          user_id: request.userId?.toString() ?? wireDeviceId(request.viewer),
          channel_id: request.channelId,
          article_num: request.count,
          time_stamp: String(request.timestamp),
        },
        request.signal,
      )
      return {
        exposure: track.exposure,
        timestamp: Number(track.time_stamp),
        items: track.recommends.map((item) => ({
          articleId: BigInt(item.article_id),
          trace: {
            click: item.params?.click ?? '',
            collect: item.params?.collect ?? '',
            share: item.params?.share ?? '',
            read: item.params?.read ?? '',
          },
        })),
      }
    },

    async similarArticles(articleId, count) {
      const similar = await unary(stub.article_recommend, {
        article_id: articleId.toString(),
        article_num: count,
      })
      return similar.article_id.map((id) => BigInt(id))
    },

    async close() {
      stub.close()
    },
  }
}
