/** What other features use of interactions: comment likes. */
export { likeComment, unlikeComment } from './interactions.service.js'
