/** Opaque JSON strings the client sends back in the `Trace` header (user_reco.proto `param2`). */
export interface Trace {
  click: string
  collect: string
  share: string
  read: string
}

/** A feed request (user_reco.proto `User`). */
export interface FeedRequest {
  /** The user id, the anonymous device id, or '' (proto `user_id` is a string). */
  viewer: string
  /** The logged-in user, when there is one. */
  userId: bigint | null
  /** 0: every channel (推荐). */
  channelId: number
  count: number
  /** The client's cursor in ms: now for a refresh, the previous `pre_timestamp` when scrolling. */
  timestamp: number
  /** Aborted when the caller gave up (deadline passed): the page must then not be recorded. */
  signal?: AbortSignal
}

/** A feed page (user_reco.proto `Track`). */
export interface FeedPage {
  /** Logged to the trace log: what was shown. */
  exposure: string
  /** The cursor for the next page (`pre_timestamp`). */
  timestamp: number
  items: { articleId: bigint; trace: Trace }[]
}

/** The feed's recommendation service: in process, or the gRPC client of a separate one. */
export interface Recommender {
  /** The next page of a user's feed (`user_recommend`). */
  userRecommend(request: FeedRequest): Promise<FeedPage>
  /** Articles like this one (`article_recommend`), best first. */
  similarArticles(articleId: bigint, count: number): Promise<bigint[]>
  /**
   * Articles entered or left the approved set of these channels: candidates held in process are
   * read again on the next request (a separate gRPC service reloads its own within POOL_TTL_MS).
   */
  candidatesChanged?(channelIds: readonly number[]): void
  /** Releases connections (the gRPC client's channel). */
  close?(): Promise<void>
}
