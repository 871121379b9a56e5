import type { Kysely } from 'kysely'
import type { Database } from '../infra/db/schema.js'

/** Deletes SMS codes that expired before `now` (ms); returns how many. */
export async function deleteExpiredSmsCodes(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db
    .deleteFrom('headline_sms_code')
    .where('expires_at', '<', now)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
