import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import type { ArticleChange } from '../../infra/events/article-events.js'
import { ARTICLE_STATUS } from './article-status.js'
import { lockArticles, setAllowComment } from './lifecycle.repo.js'

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
  const change = await deps.db.write.transaction().execute(async (trx) => {
    const [state] = await lockArticles(trx, [id])
    if (!state || state.authorId !== authorId || state.status !== ARTICLE_STATUS.approved)
      throw new AppError(400, 'Invalid article status.')
    await setAllowComment(trx, id, allow)
    const kept: ArticleChange = {
      id,
      authorId,
      channelId: state.channelId,
      from: state.status,
      to: state.status,
    }
    return kept
  })
  await deps.articleEvents.announce([change])
}
