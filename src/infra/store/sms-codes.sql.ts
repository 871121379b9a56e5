import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { upsert } from '../db/upsert.js'
import type { SmsCodeStore } from './sms-codes.js'

/** SMS codes in the `headline_sms_code` table (embedded mode). */
export function sqlSmsCodes(db: Kysely<Database>, now: () => number = Date.now): SmsCodeStore {
  return {
    async save(scope, mobile, code, ttlSeconds) {
      const expires_at = now() + ttlSeconds * 1000
      await upsert(
        db,
        'headline_sms_code',
        { scope, mobile, code, expires_at },
        ['scope', 'mobile'],
        {
          code,
          expires_at,
        },
      ).execute()
    },
    async take(scope, mobile) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('headline_sms_code')
          .select(['code', 'expires_at'])
          .where('scope', '=', scope)
          .where('mobile', '=', mobile)
          .executeTakeFirst()
        if (!row) return null
        // The SELECT may read a snapshot that a concurrent take already consumed; only the
        // taker whose DELETE removes the row gets the code.
        const { numDeletedRows } = await trx
          .deleteFrom('headline_sms_code')
          .where('scope', '=', scope)
          .where('mobile', '=', mobile)
          .where('code', '=', row.code)
          .executeTakeFirst()
        if (numDeletedRows !== 1n) return null
        return Number(row.expires_at) > now() ? row.code : null
      })
    },
  }
}
