import { sql, type Kysely } from 'kysely'
import type { Database } from '../../../infra/db/schema.js'
import { sqlDateTime } from '../../../infra/db/values.js'

/** Counts a login (`access_count`, `last_login`), replacing an old-format hash when given. */
export async function recordLogin(
  db: Kysely<Database>,
  administratorId: bigint,
  newHash: string | undefined,
): Promise<void> {
  await db
    .updateTable('mis_administrator')
    .set({
      access_count: sql`access_count + 1`,
      last_login: sqlDateTime(),
      ...(newHash ? { password: newHash } : {}),
    })
    .where('administrator_id', '=', administratorId.toString())
    .execute()
}

/** Stores a new password hash. */
export async function setPassword(
  db: Kysely<Database>,
  administratorId: bigint,
  hash: string,
): Promise<void> {
  await db
    .updateTable('mis_administrator')
    .set({ password: hash, update_time: sqlDateTime() })
    .where('administrator_id', '=', administratorId.toString())
    .execute()
}
