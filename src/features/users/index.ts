/** What other features may use of users: the profile cache eviction after admin writes. */
export { forgetUser } from './users.cache.js'
