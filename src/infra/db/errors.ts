import { ACQUIRE_TIMEOUT_CODE } from './mysql-timeouts.js'

/** True for a unique-key violation on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return (
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  )
}

// Connection-level failures: the server is down, unreachable, overloaded or not answering.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  ACQUIRE_TIMEOUT_CODE,
])

/**
 * True when a request failed because the database (or a connection to it) is unavailable, not
 * because of the request: it deserves 503 and a retry, not 500. Wrapped errors are followed
 * through `cause` (the cache wraps its loaders' errors).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, fatal, message, cause } = current as {
      code?: unknown
      fatal?: unknown
      message?: unknown
      cause?: unknown
    }
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true
    // mysql2 marks every error that killed its connection as fatal.
    if (fatal === true) return true
    if (message === 'Pool is closed.') return true
    current = cause
  }
  return false
}
