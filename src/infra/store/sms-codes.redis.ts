import type { RedisClient } from '../redis/redis.js'
import { smsCodeKey, type SmsCodeStore } from './sms-codes.js'

/** SMS codes as the original's `SETEX app:code:{mobile}` strings. */
export function redisSmsCodes(redis: RedisClient): SmsCodeStore {
  return {
    async save(scope, mobile, code, ttlSeconds) {
      await redis.setex(smsCodeKey(scope, mobile), ttlSeconds, code)
    },
    async take(scope, mobile) {
      const key = smsCodeKey(scope, mobile)
      // GET + DEL in one transaction (GETDEL needs Redis 6.2; deployments may run older).
      const results = await redis.multi().get(key).del(key).exec()
      const [error, code] = results?.[0] ?? []
      if (error) throw error
      return typeof code === 'string' ? code : null
    },
  }
}
