/** What other features use of comments: the list pages, new comments and author moderation. */
export {
  commentPage,
  createComment,
  type CommentItem,
  type CommentQuery,
  type NewComment,
} from './comments.service.js'
export { deleteCommentAsAuthor, stickComment } from './moderation.js'
export { CommentPageSchema, ListQuery, readQuery } from './comments.routes.js'
