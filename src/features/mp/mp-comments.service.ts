import type { Deps } from '../../deps.js'
import { cachedArticleInfo } from '../articles/index.js'

/** The article a comment list belongs to, as mp's `type=a` list adds it; null when not approved. */
export async function articleOfComments(deps: Pick<Deps, 'cache' | 'db'>, id: bigint | null) {
  const info = id === null ? null : await cachedArticleInfo(deps, id)
  if (!info) return null
  return { art_id: info.art_id, art_title: info.title, art_pubdate: info.pubdate }
}
