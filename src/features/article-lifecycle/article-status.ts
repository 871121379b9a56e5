/** `news_article_basic.status` values (API.md MP/MIS 3.1). */
export const ARTICLE_STATUS = {
  draft: 0,
  unreviewed: 1,
  approved: 2,
  failed: 3,
  deleted: 4,
  banned: 5,
} as const
