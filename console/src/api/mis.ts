/** Shapes of the /mis/v1_0 answers the console reads (API.md MP/MIS 2.2); ids may be strings. */
export type Id = string | number

/** A page of a list answer: `{<key>: [...], total_count}`. */
export type Paged<K extends string, T> = { [P in K]: T[] } & { total_count: number }

export interface ArticleRow {
  article_id: Id
  title: string
  name: string
  channel_name: string
  comment_count: number
  update_time: string
  status: number
  /** Sensitive words found in the title or content when the article was submitted. */
  sensitive_words?: string[]
}

export interface ArticleDetail extends ArticleRow {
  content: string
}

export interface UserRow {
  user_id: Id
  account: string | null
  name: string
  email: string | null
  mobile: string
  last_login: string | null
  is_verified: boolean | number
  is_media: boolean | number
  status: number
}

export interface LegalizeRow {
  legalize_id: Id
  account: string | null
  name: string
  create_time: string
  type: number
  status: number
}

export interface LegalizeDetail extends LegalizeRow {
  user_profile?: Record<string, unknown> & {
    id_card_front?: string
    id_card_back?: string
    id_card_handheld?: string
  }
  qualification?: Record<string, unknown> & {
    id_card_front?: string
    id_card_back?: string
    id_card_handheld?: string
    qualification_img?: string
  }
}

export interface ChannelRow {
  channel_id: Id
  name: string
  is_visible: boolean | number
  article_count: number
  sequence?: number
}

export interface WordRow {
  id: Id
  word: string
  weights: number
  hold_count: number
  create_time: string
  update_time: string
}

export interface AdminRow {
  administrator_id: Id
  account: string
  email: string | null
  mobile: string | null
  name: string
  group_name: string
  group_id: Id
  access_count: number
  status: number
  last_login: string | number | null
}

export interface GroupRow {
  group_id: Id
  name: string
  remark: string | null
  status: number
}

export interface LogRow {
  operation_log_id: Id
  administrator_id: Id
  administrator_name: string
  ip: string
  operation: string
  description: string
  ctime: string
}

export interface DayCount {
  date: string
  count: number
}

export interface BasicTotals {
  day_count: number
  week_percent: number
  day_percent: number
  day_average: number
  total_days: number
  total_count: number
}

/** Article statuses of news_article_basic (API.md MP/MIS 3.1). */
export const ARTICLE_STATUS: Record<number, string> = {
  0: '草稿',
  1: '待审核',
  2: '审核通过',
  3: '审核失败',
  4: '已删除',
  5: '封禁',
}

/** Review targets of PUT /articles (API.md MP/MIS 2.2 notes). */
export const REVIEW = { approve: 2, reject: 3, delete: 4, ban: 5, unban: 6 } as const
