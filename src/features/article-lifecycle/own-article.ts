import type { Transaction } from 'kysely'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import type { ArticleChange } from '../../infra/events/article-events.js'
import type { Database } from '../../infra/db/schema.js'
import { lockArticles, type ArticleState } from './lifecycle.repo.js'

/**
 * Changes one of the author's own articles: locks its row, refuses with 400 `refusal` when it is
 * missing, someone else's or in a status `allowed` rejects, lets `write` change it in the same
 * transaction, then announces the change `write` answers.
 */
export async function changeOwnArticle(
  deps: Pick<Deps, 'db' | 'articleEvents'>,
  authorId: bigint,
  id: bigint,
  rule: { allowed: (status: number) => boolean; refusal: string },
  write: (trx: Transaction<Database>, state: ArticleState) => Promise<ArticleChange>,
): Promise<void> {
  const change = await deps.db.write.transaction().execute(async (trx) => {
    const [state] = await lockArticles(trx, [id])
    if (!state || state.authorId !== authorId || !rule.allowed(state.status))
      throw new AppError(400, rule.refusal)
    return write(trx, state)
  })
  await deps.articleEvents.announce([change])
}
