/** What other features use of articles: the cached info of an approved article. */
export { cachedArticleInfo } from './articles.cache.js'
export type { ArticleInfo } from './articles.repo.js'
