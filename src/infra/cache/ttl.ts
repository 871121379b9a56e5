/** A base lifetime plus a random extra of up to `jitter` seconds, drawn per entry (anti-avalanche). */
export interface Ttl {
  readonly seconds: number
  readonly jitter: number
}

/** How long an entry lives, and how long a "does not exist" answer for it lives (anti-penetration). */
export interface EntryPolicy {
  /** Names the entry kind in metrics. */
  readonly name: string
  readonly ttl: Ttl
  /** Unset: a missing row is not cached. */
  readonly missing?: Ttl
}

const minutes = (m: number) => m * 60
const ttl = (seconds: number, jitter: number): Ttl => ({ seconds, jitter })

/** The original's TTL table (`common/cache/constants.py`). */
export const TTL = {
  userProfile: ttl(minutes(30), minutes(10)),
  userStatus: ttl(minutes(60), minutes(10)),
  userNotExists: ttl(minutes(5), 60),
  userFollowings: ttl(minutes(30), minutes(10)),
  userFans: ttl(minutes(30), minutes(10)),
  userRelationship: ttl(minutes(30), minutes(10)),
  userRelationshipNotExists: ttl(minutes(5), 60),
  userAdditionalProfile: ttl(minutes(10), minutes(2)),
  userChannels: ttl(minutes(60), minutes(10)),
  userArticleAttitude: ttl(minutes(30), minutes(10)),
  userArticleAttitudeNotExists: ttl(minutes(5), 60),
  userCommentLiking: ttl(minutes(10), minutes(2)),
  userCommentLikingNotExists: ttl(minutes(3), 60),
  articleInfo: ttl(minutes(30), minutes(10)),
  articleNotExists: ttl(minutes(5), 60),
  articleDetail: ttl(minutes(60), minutes(10)),
  articleUserNoAttitude: ttl(minutes(3), 30),
  userArticles: ttl(minutes(10), minutes(2)),
  userArticleCollections: ttl(minutes(10), minutes(2)),
  comments: ttl(minutes(30), minutes(10)),
  commentNotExists: ttl(minutes(5), 60),
  announcementDetail: ttl(minutes(120), minutes(10)),
  announcementNotExists: ttl(minutes(5), 60),
  /** `ch:all`, `ch:user:default`: 24 h, no jitter. */
  channels: ttl(minutes(24 * 60), 0),
  announcements: ttl(minutes(48 * 60), 0),
  /**
   * Headline's own: a profile's four counts, held between their changes (every change drops
   * them on every node); the original read them from Redis on every request.
   */
  userCounts: ttl(minutes(5), 60),
  /** Headline's own: a channel's pinned ids, read from persistent storage on every feed page. */
  channelTop: ttl(60, 10),
} as const

/** A lifetime in milliseconds with its random jitter drawn now. */
export function drawTtlMs(value: Ttl, random: () => number = Math.random): number {
  return (value.seconds + Math.floor(random() * value.jitter)) * 1000
}
