import type { Logger } from 'pino'
import type { RedisClient } from '../../../infra/redis/redis.js'

/** Wrong passwords per account: 5 within 15 minutes lock the account for 15 minutes. */
export interface LoginFailures {
  isLocked(account: string): Promise<boolean>
  recordFailure(account: string): Promise<void>
  clear(account: string): Promise<void>
}

/** Failures that lock an account, and the window / lock length. */
export const LOCK_AFTER = 5
export const LOCK_MS = 15 * 60_000

const key = (account: string) => `mis:login:fail:${account.toLowerCase()}`

// The window starts at the first failure; the failure that locks restarts it as the lock.
const RECORD = `local n = redis.call('INCR', KEYS[1])
if n == 1 or n >= tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`

/**
 * Redis when configured (one count for every node), else in process (embedded mode runs one
 * process). A Redis failure never blocks a login: it is logged and the lock is not applied.
 */
export function createLoginFailures(redis: RedisClient | undefined, log: Logger): LoginFailures {
  if (!redis) return memoryFailures()
  const tolerate = async <T>(operation: Promise<T>, fallback: T) => {
    try {
      return await operation
    } catch (error) {
      log.warn({ err: error }, 'admin login failure store unavailable')
      return fallback
    }
  }
  return {
    isLocked: async (account) =>
      Number(await tolerate(redis.get(key(account)), null)) >= LOCK_AFTER,
    recordFailure: async (account) => {
      await tolerate(redis.eval(RECORD, 1, key(account), LOCK_MS, LOCK_AFTER), 0)
    },
    clear: async (account) => {
      await tolerate(redis.del(key(account)), 0)
    },
  }
}

function memoryFailures(now: () => number = Date.now): LoginFailures {
  const entries = new Map<string, { count: number; expiresAt: number }>()
  const current = (account: string) => {
    const entry = entries.get(key(account))
    if (entry && entry.expiresAt <= now()) entries.delete(key(account))
    return entries.get(key(account))
  }
  return {
    isLocked: async (account) => (current(account)?.count ?? 0) >= LOCK_AFTER,
    recordFailure: async (account) => {
      if (entries.size > 10_000) for (const k of entries.keys()) current(k.slice(15))
      const entry = current(account) ?? { count: 0, expiresAt: now() + LOCK_MS }
      entry.count += 1
      if (entry.count >= LOCK_AFTER) entry.expiresAt = now() + LOCK_MS
      entries.set(key(account), entry)
    },
    clear: async (account) => void entries.delete(key(account)),
  }
}
