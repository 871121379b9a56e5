import type { RedisClient } from '../redis/redis.js'
import { SMS_CODE_MAX_TRIES, smsCodeKey, smsTriesKey, type SmsCodeStore } from './sms-codes.js'

// One key per script, so that both work on Redis Cluster too.
const DELETE_IF_EQUAL = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`
// A tries key left without a TTL (code stored by an older deployment) must not stay forever.
const COUNT_TRY = `local n = redis.call('INCR', KEYS[1]) if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n`
// Longest life of a tries key whose code was saved by something that did not set one.
const TRIES_FALLBACK_SECONDS = 600

/** SMS codes as the original's `SETEX app:code:{mobile}` strings, guesses in `…:tries`. */
export function redisSmsCodes(redis: RedisClient): SmsCodeStore {
  const deleteIfEqual = (key: string, value: string) =>
    redis.eval(DELETE_IF_EQUAL, 1, key, value) as Promise<number>
  return {
    async save(scope, mobile, code, ttlSeconds) {
      await Promise.all([
        redis.setex(smsCodeKey(scope, mobile), ttlSeconds, code),
        redis.setex(smsTriesKey(scope, mobile), ttlSeconds, 0),
      ])
    },
    async check(scope, mobile, code) {
      const key = smsCodeKey(scope, mobile)
      const triesKey = smsTriesKey(scope, mobile)
      const stored = await redis.get(key)
      if (stored === null) return false
      const tries = Number(await redis.eval(COUNT_TRY, 1, triesKey, TRIES_FALLBACK_SECONDS))
      if (tries > SMS_CODE_MAX_TRIES) {
        await deleteIfEqual(key, stored)
        return false
      }
      if (code === stored) {
        const taken = (await deleteIfEqual(key, stored)) === 1
        if (taken) await redis.del(triesKey)
        return taken
      }
      if (tries === SMS_CODE_MAX_TRIES) await deleteIfEqual(key, stored)
      return false
    },
  }
}
