import type { Deps } from '../../deps.js'
import { ARTICLE_STATUS } from './article-status.js'
import { setAllowComment } from './lifecycle.repo.js'
import { changeOwnArticle } from './own-article.js'

const APPROVED_ONLY = {
  allowed: (status: number) => status === ARTICLE_STATUS.approved,
  refusal: 'Invalid article status.',
}

/**
 * The author switches comments on or off for an own approved article (400 `Invalid article
 * status.` otherwise). Announced as an edit that keeps the status, so the cached article info
 * (which holds `allow_comm`) is dropped on every node and the app's comment route follows at once.
 */
export async function setCommentsAllowed(
  deps: Pick<Deps, 'db' | 'articleEvents'>,
  authorId: bigint,
  id: bigint,
  allow: boolean,
): Promise<void> {
  await changeOwnArticle(deps, authorId, id, APPROVED_ONLY, async (trx, state) => {
    await setAllowComment(trx, id, allow)
    return { id, authorId, channelId: state.channelId, from: state.status, to: state.status }
  })
}
