/** Real services for the second CI pass; unset means embedded backends only. */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] || undefined
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] || undefined

/** A short random tag that keeps concurrent test runs apart (databases, key prefixes). */
export const uniqueTag = () => `${process.pid}_${Math.random().toString(36).slice(2, 8)}`
