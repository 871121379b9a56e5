import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { COUNTERS } from '../../infra/store/counters.js'
import { forgetArticleComments, forgetComment, forgetCommentReplies } from './comments.cache.js'
import {
  COMMENT_STATUS,
  changeCommentStatus,
  findModeratedComment,
  setCommentTop,
  type ModeratedComment,
} from './comments.repo.js'

type ModerationDeps = Pick<Deps, 'db' | 'cache' | 'counters'>

const NO_PERMISSION = 'User has no permission to delete this comment.'

// Only the author of the comment's article moderates it.
async function ownComment(deps: ModerationDeps, authorId: bigint, id: bigint) {
  const comment = await findModeratedComment(deps.db.write, id)
  if (!comment || comment.articleAuthorId !== authorId) throw new AppError(403, NO_PERMISSION)
  return comment
}

// The list that holds the comment: its article's, or its parent's replies.
function forgetList(deps: ModerationDeps, comment: ModeratedComment) {
  return comment.parentId === null
    ? forgetArticleComments(deps, comment.articleId)
    : forgetCommentReplies(deps, comment.parentId)
}

/**
 * The article's author deletes a comment (status 3): it leaves the app's lists at once, and the
 * article's comment count (and the parent's reply count, for a reply) drop by one, once.
 */
export async function deleteCommentAsAuthor(
  deps: ModerationDeps,
  authorId: bigint,
  id: bigint,
): Promise<void> {
  const comment = await ownComment(deps, authorId, id)
  const changed = await changeCommentStatus(
    deps.db.write,
    id,
    COMMENT_STATUS.approved,
    COMMENT_STATUS.deleted,
  )
  if (!changed) return
  await deps.counters.incr(COUNTERS.articleComments, comment.articleId, -1)
  if (comment.parentId !== null)
    await deps.counters.incr(COUNTERS.commentReplies, comment.parentId, -1)
  await Promise.all([forgetComment(deps, id), forgetList(deps, comment)])
}

/** The article's author pins a comment to the top of its list, or unpins it. */
export async function stickComment(
  deps: ModerationDeps,
  authorId: bigint,
  id: bigint,
  sticky: boolean,
): Promise<{ target: bigint; sticky: boolean }> {
  const comment = await ownComment(deps, authorId, id)
  await setCommentTop(deps.db.write, id, sticky ? 1 : 0)
  await Promise.all([forgetComment(deps, id), forgetList(deps, comment)])
  return { target: id, sticky }
}
