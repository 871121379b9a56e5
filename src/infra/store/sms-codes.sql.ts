import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { upsert } from '../db/upsert.js'
import { SMS_CODE_MAX_TRIES, type SmsCodeStore } from './sms-codes.js'

/** SMS codes in the `headline_sms_code` table (embedded mode). */
export function sqlSmsCodes(db: Kysely<Database>, now: () => number = Date.now): SmsCodeStore {
  return {
    async save(scope, mobile, code, ttlSeconds) {
      const expires_at = now() + ttlSeconds * 1000
      const row = { scope, mobile, code, expires_at, tries: 0 }
      await upsert(db, 'headline_sms_code', row, ['scope', 'mobile'], {
        code,
        expires_at,
        tries: 0,
      }).execute()
    },
    async check(scope, mobile, code) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('headline_sms_code')
          .select(['code', 'expires_at'])
          .where('scope', '=', scope)
          .where('mobile', '=', mobile)
          .executeTakeFirst()
        if (!row || Number(row.expires_at) <= now()) return false
        const theCode = trx
          .deleteFrom('headline_sms_code')
          .where('scope', '=', scope)
          .where('mobile', '=', mobile)
          .where('code', '=', row.code)
        // The guess counts first (the row lock orders concurrent guesses): at most MAX_TRIES pass.
        const { numUpdatedRows } = await trx
          .updateTable('headline_sms_code')
          .set({ tries: sql`tries + 1` })
          .where('scope', '=', scope)
          .where('mobile', '=', mobile)
          .where('code', '=', row.code)
          .where('tries', '<', SMS_CODE_MAX_TRIES)
          .executeTakeFirst()
        if (numUpdatedRows !== 1n) {
          await theCode.execute()
          return false
        }
        if (code === row.code) {
          // Only the guesser whose DELETE removes the row logs in.
          const { numDeletedRows } = await theCode.executeTakeFirst()
          return numDeletedRows === 1n
        }
        await theCode.where('tries', '>=', SMS_CODE_MAX_TRIES).execute()
        return false
      })
    },
  }
}

/** Deletes expired codes (their rows are otherwise only replaced by the next code). */
export async function purgeSmsCodes(db: Kysely<Database>, nowMs = Date.now()): Promise<number> {
  const { numDeletedRows } = await db
    .deleteFrom('headline_sms_code')
    .where('expires_at', '<=', nowMs)
    .executeTakeFirst()
  return Number(numDeletedRows)
}
