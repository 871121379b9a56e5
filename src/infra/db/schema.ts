import type { ColumnType } from 'kysely'

// SQLite hands every integer back as a bigint (safe integers on), MySQL hands BIGINT back as a
// decimal string and smaller integers as numbers: repos read columns through `toId` / `toInt`.

/** A 64-bit id column. */
export type IdColumn = ColumnType<bigint | string, bigint | string, bigint | string>
/** An auto-increment id column (never written by Headline). */
export type SerialColumn = ColumnType<bigint | string, never, never>
/** A small integer column (status, flags, counts). */
export type IntColumn = ColumnType<number | bigint, number | undefined, number>
/** A `YYYY-MM-DD HH:MM:SS` datetime (UTC), a string on both dialects. */
export type DateTimeColumn = ColumnType<string, string | undefined, string>
type Nullable<T> =
  T extends ColumnType<infer S, infer I, infer U>
    ? ColumnType<S | null, I | null | undefined, U | null>
    : T | null

export interface UserBasicTable {
  user_id: IdColumn
  account: string | null
  email: string | null
  status: IntColumn
  mobile: string
  password: string | null
  user_name: string
  profile_photo: string | null
  last_login: Nullable<DateTimeColumn>
  is_media: IntColumn
  is_verified: IntColumn
  introduction: string | null
  certificate: string | null
  article_count: IntColumn
  following_count: IntColumn
  fans_count: IntColumn
  like_count: IntColumn
  read_count: IntColumn
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface UserProfileTable {
  user_id: IdColumn
  gender: IntColumn
  birthday: ColumnType<string | null, string | null | undefined, string | null>
  real_name: string | null
  id_number: string | null
  id_card_front: string | null
  id_card_back: string | null
  id_card_handheld: string | null
  register_media_time: Nullable<DateTimeColumn>
  area: string | null
  company: string | null
  career: string | null
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface UserRelationTable {
  relation_id: SerialColumn
  user_id: IdColumn
  target_user_id: IdColumn
  relation: IntColumn
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface ChannelTable {
  channel_id: IntColumn
  channel_name: string
  sequence: IntColumn
  is_visible: IntColumn
  is_default: IntColumn
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface UserChannelTable {
  user_channel_id: SerialColumn
  user_id: IdColumn
  channel_id: IntColumn
  is_deleted: IntColumn
  sequence: IntColumn
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface AnnouncementTable {
  announcement_id: SerialColumn
  title: string
  content: string
  status: IntColumn
  publish_time: Nullable<DateTimeColumn>
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface ArticleBasicTable {
  article_id: IdColumn
  user_id: IdColumn
  channel_id: IntColumn
  title: string
  cover: string
  is_advertising: IntColumn
  status: IntColumn
  reviewer_id: Nullable<IdColumn>
  review_time: Nullable<DateTimeColumn>
  delete_time: Nullable<DateTimeColumn>
  reject_reason: string | null
  comment_count: IntColumn
  allow_comment: IntColumn
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface ArticleContentTable {
  article_id: IdColumn
  content: string
}

export interface ArticleStatisticTable {
  article_id: IdColumn
  read_count: IntColumn
  like_count: IntColumn
  dislike_count: IntColumn
  repost_count: IntColumn
  collect_count: IntColumn
  fans_comment_count: IntColumn
}

export interface CollectionTable {
  collection_id: SerialColumn
  user_id: IdColumn
  article_id: IdColumn
  is_deleted: IntColumn
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface AttitudeTable {
  attitude_id: SerialColumn
  user_id: IdColumn
  article_id: IdColumn
  attitude: ColumnType<number | bigint | null, number | null | undefined, number | null>
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface ReportTable {
  report_id: SerialColumn
  user_id: IdColumn
  article_id: IdColumn
  type: IntColumn
  remark: string | null
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface CommentTable {
  comment_id: IdColumn
  user_id: IdColumn
  article_id: IdColumn
  parent_id: Nullable<IdColumn>
  like_count: IntColumn
  reply_count: IntColumn
  content: string
  is_top: IntColumn
  status: IntColumn
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface CommentLikingTable {
  liking_id: SerialColumn
  user_id: IdColumn
  comment_id: IdColumn
  is_deleted: IntColumn
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

/** The mp material library (images an author uploaded). */
export interface MaterialTable {
  material_id: SerialColumn
  user_id: IdColumn
  type: IntColumn
  hash: string
  url: string
  status: IntColumn
  reviewer_id: Nullable<IdColumn>
  review_time: Nullable<DateTimeColumn>
  is_collected: IntColumn
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

/** Words checked on submit; `hold_count` counts the submitted articles that contained one. */
export interface SensitiveWordTable {
  id: SerialColumn
  word: string
  weights: IntColumn
  hold_count: IntColumn
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

/** The sensitive words found in an article when it was last submitted for review. */
export interface ArticleSensitiveHitTable {
  article_id: IdColumn
  word: string
  hits: IntColumn
  create_time: DateTimeColumn
}

/** Embedded stand-in for the Redis `count:*` sorted sets. */
export interface CounterTable {
  name: string
  member: IdColumn
  score: IntColumn
}

/** Embedded stand-in for the Redis `app:code:{mobile}` strings. */
export interface SmsCodeTable {
  scope: string
  mobile: string
  code: string
  expires_at: ColumnType<number | bigint, number, number>
  /** Guesses made against this code (wrong or right); it dies after the fifth wrong one. */
  tries: ColumnType<number | bigint, number | undefined, number>
}

/** Embedded stand-in for Redis rate-limit counters (`headline:ratelimit:*`). */
export interface RateCounterTable {
  counter_key: string
  hits: ColumnType<number | bigint, number, number>
  /** Epoch milliseconds when the window ends. */
  expires_at: ColumnType<number | bigint, number, number>
}

/** Embedded stand-in for Redis sorted sets (`user:{id}:his:reading`, `ch:{id}:art:top`, …). */
export interface SortedSetTable {
  set_key: string
  member: string
  score: number
  /** Epoch milliseconds after which the row is gone (EXPIRE of its key); null: never. */
  expires_at: ColumnType<number | bigint | null, number | null | undefined, number | null>
}

/** The measures of one day or one hour (local to JOBS_TIMEZONE), written by `stats-rollup`. */
interface RollupMeasures {
  /** Users whose account was created in the period. */
  new_users: IntColumn
  /** Distinct users who logged in, read or searched in the period. */
  active_users: IntColumn
  /** Articles created in the period (any status). */
  new_articles: IntColumn
  /** Articles approved (review_time) in the period that are still approved. */
  approved_articles: IntColumn
  /** Comments and replies written in the period (any status). */
  new_comments: IntColumn
  /** Article detail views in the period, anonymous ones included. */
  article_reads: IntColumn
  /** Searches in the period, anonymous ones included. */
  searches: IntColumn
  update_time: DateTimeColumn
}

/** One row per local day (`YYYY-MM-DD`). */
export interface StatDailyTable extends RollupMeasures {
  day: string
}

/** One row per local day and hour (0–23). */
export interface StatHourlyTable extends RollupMeasures {
  day: string
  hour: IntColumn
}

/** Searches per keyword and local day. */
export interface StatSearchKeywordTable {
  day: string
  keyword: string
  searches: IntColumn
}

/** One row per job run (scheduled, manual or after a Redis loss). */
export interface JobRunTable {
  run_id: SerialColumn
  job: string
  /** `schedule`, `manual` or `redis-loss`. */
  cause: string
  /** Host and process id that ran it. */
  node: string
  start_time: DateTimeColumn
  end_time: Nullable<DateTimeColumn>
  /** `running`, `ok`, `failed` or `lost-lock`. */
  outcome: string
  /** JSON object: what the run changed (e.g. values corrected per counter). */
  changes: string | null
  error: string | null
}

export interface MisAdministratorTable {
  administrator_id: SerialColumn
  account: string
  password: string
  name: string
  email: string | null
  mobile: string | null
  group_id: IdColumn
  access_count: IntColumn
  status: IntColumn
  last_login: Nullable<DateTimeColumn>
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface MisAdministratorGroupTable {
  group_id: SerialColumn
  name: string
  status: IntColumn
  remark: string | null
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface MisPermissionTable {
  permission_id: SerialColumn
  name: string
  /** 0 menu, 1 API point. */
  type: IntColumn
  parent_id: IdColumn
  code: string | null
  sequence: ColumnType<number | bigint | null, number | undefined, number>
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface MisGroupPermissionTable {
  group_permission_id: SerialColumn
  group_id: IdColumn
  permission_id: IdColumn
  create_time: DateTimeColumn
}

export interface MisOperationLogTable {
  operation_log_id: SerialColumn
  administrator_id: IdColumn
  ip: string
  operation: string | null
  description: string
  create_time: DateTimeColumn
}

export interface LegalizeLogTable {
  legalize_id: SerialColumn
  user_id: IdColumn
  /** 1 real name, 2 qualification. */
  type: IntColumn
  /** 1 processing, 2 approved, 3 rejected. */
  status: IntColumn
  reject_reason: string | null
  qualification_id: IdColumn
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

export interface QualificationTable {
  qualification_id: SerialColumn
  user_id: IdColumn
  name: string
  id_number: string | null
  industry: string
  company: string
  position: string
  add_info: string | null
  id_card_front: string | null
  id_card_back: string | null
  id_card_handheld: string | null
  qualification_img: string | null
  create_time: DateTimeColumn
  update_time: DateTimeColumn
}

/** Every table Headline reads or writes, by its original name. */
export interface Database {
  user_basic: UserBasicTable
  user_profile: UserProfileTable
  user_relation: UserRelationTable
  news_channel: ChannelTable
  news_user_channel: UserChannelTable
  global_announcement: AnnouncementTable
  news_article_basic: ArticleBasicTable
  news_article_content: ArticleContentTable
  news_article_statistic: ArticleStatisticTable
  news_collection: CollectionTable
  news_attitude: AttitudeTable
  news_report: ReportTable
  news_comment: CommentTable
  news_comment_liking: CommentLikingTable
  user_material: MaterialTable
  recommend_sensitive_word: SensitiveWordTable
  headline_article_sensitive_hit: ArticleSensitiveHitTable
  headline_counter: CounterTable
  headline_sms_code: SmsCodeTable
  headline_sorted_set: SortedSetTable
  stat_daily: StatDailyTable
  stat_hourly: StatHourlyTable
  stat_search_keyword: StatSearchKeywordTable
  headline_job_run: JobRunTable
  headline_rate_counter: RateCounterTable
  mis_administrator: MisAdministratorTable
  mis_administrator_group: MisAdministratorGroupTable
  mis_permission: MisPermissionTable
  mis_group_permission: MisGroupPermissionTable
  mis_operation_log: MisOperationLogTable
  user_legalize_log: LegalizeLogTable
  user_qualification: QualificationTable
}
