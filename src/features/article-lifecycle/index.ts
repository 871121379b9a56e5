/**
 * The article lifecycle: every status change of an article goes through these functions (the
 * app, mp and mis call them). Each writes its rows in one transaction, then announces the
 * committed change on `deps.articleEvents`; the features react there (article and author caches
 * on every node, the search index, the recommender's candidates, `count:user:arts`).
 *
 * Sensitive words: on submit (status 1), title and text are checked against
 * `recommend_sensitive_word`. Hits never block; they are stored per article in
 * `headline_article_sensitive_hit` (`article_id`, `word`, `hits`: occurrences), replaced at each
 * submission and cleared when the article is saved as a draft, and each word found counts one
 * `hold_count`. Reviewers read them with `sensitiveHits`.
 */
export { ARTICLE_STATUS } from './article-status.js'
export { createArticle, deleteOwnArticle, updateArticle, type ArticleInput } from './authoring.js'
export {
  DEFAULT_REJECT_REASON,
  reviewActionOf,
  reviewArticles,
  type ReviewAction,
  type ReviewOptions,
} from './review.js'
export { sanitizeArticleHtml } from './article-html.js'
export { setCommentsAllowed } from './comment-switch.js'
export { sensitiveHits, type SensitiveHit } from './sensitive-hits.js'
export type { ArticleChange } from '../../infra/events/article-events.js'
