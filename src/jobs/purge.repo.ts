import type { Kysely } from 'kysely'
import type { Database } from '../infra/db/schema.js'

/** Deletes embedded sorted-set rows whose expiry passed (anonymous devices' state); how many. */
export async function deleteExpiredSortedSetRows(
  db: Kysely<Database>,
  now: number,
): Promise<number> {
  const result = await db
    .deleteFrom('headline_sorted_set')
    .where('expires_at', '<=', now)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
