import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import type { ArticleChange } from '../../infra/events/article-events.js'
import { ARTICLE_STATUS } from './article-status.js'
import { lockArticles, setStatus, type ArticleState, type StatusExtras } from './lifecycle.repo.js'

/** What a reviewer does to a batch of articles. */
export type ReviewAction = 'approve' | 'reject' | 'ban' | 'unban' | 'delete'

export interface ReviewOptions {
  /** Who reviewed (an administrator id), stamped on approve and reject. */
  reviewerId?: bigint | null
  /** The reason shown to the author on reject (default `系统审核`, as the original). */
  reason?: string
}

/** The original's default reject reason. */
export const DEFAULT_REJECT_REASON = '系统审核'

const { unreviewed, approved, failed, banned, deleted } = ARTICLE_STATUS
const RULES: Record<ReviewAction, { from: readonly number[] | null; to: number; refusal: string }> =
  {
    approve: { from: [unreviewed], to: approved, refusal: '文章不是待审核状态, 不能通过审核' },
    reject: { from: [unreviewed], to: failed, refusal: '文章不是待审核状态, 不能驳回' },
    ban: { from: [approved], to: banned, refusal: '文章不是审核状态, 不能封禁' },
    unban: { from: [banned], to: approved, refusal: '文章不是封禁状态, 不能解封' },
    delete: { from: null, to: deleted, refusal: '' },
  }

/**
 * Applies one review action to a batch, atomically: when any article is not in the state the
 * action needs, the whole batch is refused with the original's 403 text (`"<title>" 文章不是…`)
 * and nothing changes. Unknown ids are skipped, as the original's `IN (…)` query did; deleting an
 * already deleted article changes nothing. The rows are written in one transaction, then the
 * changes are announced (caches on every node, search index, feed candidates, counters).
 */
export async function reviewArticles(
  deps: Pick<Deps, 'db' | 'articleEvents'>,
  ids: readonly bigint[],
  action: ReviewAction,
  options: ReviewOptions = {},
): Promise<ArticleChange[]> {
  const rule = RULES[action]
  const wanted = [...new Set(ids)]
  const changes = await deps.db.write.transaction().execute(async (trx) => {
    const states = await lockArticles(trx, wanted)
    const byId = new Map(states.map((state) => [state.id, state]))
    const found = wanted.flatMap((id) => byId.get(id) ?? [])
    for (const state of found) {
      if (rule.from && !rule.from.includes(state.status))
        throw new AppError(403, `"${state.title}" ${rule.refusal}`)
    }
    const moving = found.filter((state) => state.status !== rule.to)
    if (moving.length > 0) {
      await setStatus(
        trx,
        moving.map((state) => state.id),
        rule.to,
        extrasFor(action, options),
      )
    }
    return moving.map((state) => changeOf(state, rule.to))
  })
  await deps.articleEvents.announce(changes)
  return changes
}

/**
 * The admin API's `PUT /articles` `status` codes: 2 approve, 3 reject, 4 delete, 5 ban,
 * 6 unban; anything else (1 included) is 403 `错误的状态操作`.
 */
export function reviewActionOf(status: number): ReviewAction {
  const action = ({ 2: 'approve', 3: 'reject', 4: 'delete', 5: 'ban', 6: 'unban' } as const)[
    status as 2 | 3 | 4 | 5 | 6
  ] as ReviewAction | undefined
  if (!action) throw new AppError(403, '错误的状态操作')
  return action
}

function extrasFor(action: ReviewAction, options: ReviewOptions): StatusExtras {
  if (action === 'approve') return { reviewed: true, reviewerId: options.reviewerId ?? null }
  if (action === 'reject') {
    return {
      reviewed: true,
      reviewerId: options.reviewerId ?? null,
      rejectReason: options.reason?.trim() || DEFAULT_REJECT_REASON,
    }
  }
  if (action === 'delete') return { deleted: true }
  return {}
}

function changeOf(state: ArticleState, to: number): ArticleChange {
  return {
    id: state.id,
    authorId: state.authorId,
    channelId: state.channelId,
    from: state.status,
    to,
  }
}
