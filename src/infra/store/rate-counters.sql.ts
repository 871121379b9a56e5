import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { upsert } from '../db/upsert.js'
import type { RateCounterStore, RateWindow } from './rate-counters.js'

/** Rate counters in the `headline_rate_counter` table (embedded mode). */
export function sqlRateCounters(
  db: Kysely<Database>,
  now: () => number = Date.now,
): RateCounterStore {
  const read = async (trx: Kysely<Database>, key: string, at: number): Promise<RateWindow> => {
    const row = await trx
      .selectFrom('headline_rate_counter')
      .select(['hits', 'expires_at'])
      .where('counter_key', '=', key)
      .executeTakeFirst()
    if (!row || Number(row.expires_at) <= at) return { hits: 0, ttlMs: 0 }
    return { hits: Number(row.hits), ttlMs: Number(row.expires_at) - at }
  }
  return {
    hit: (key, windowMs) =>
      db.transaction().execute(async (trx) => {
        const at = now()
        const ends = at + windowMs
        // One statement, so concurrent first hits cannot overwrite each other. `hits` is set
        // before `expires_at` (MySQL assigns left to right) and both read the old expiry.
        await upsert(
          trx,
          'headline_rate_counter',
          { counter_key: key, hits: 1, expires_at: ends },
          ['counter_key'],
          {
            hits: sql`CASE WHEN expires_at <= ${at} THEN 1 ELSE hits + 1 END`,
            expires_at: sql`CASE WHEN expires_at <= ${at} THEN ${ends} ELSE expires_at END`,
          },
        ).execute()
        return read(trx, key, at)
      }),
    peek: (key) => read(db, key, now()),
  }
}

/** Deletes counters whose window has ended. */
export async function purgeRateCounters(db: Kysely<Database>, nowMs = Date.now()): Promise<number> {
  const { numDeletedRows } = await db
    .deleteFrom('headline_rate_counter')
    .where('expires_at', '<=', nowMs)
    .executeTakeFirst()
  return Number(numDeletedRows)
}
