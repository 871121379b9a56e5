import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { purgeRateCounters } from './rate-counters.sql.js'
import { purgeSmsCodes } from './sms-codes.sql.js'
import { purgeSortedSets } from './sorted-sets.sql.js'

/** Rows deleted by one purge, per table. */
export interface PurgeResult {
  sortedSetRows: number
  smsCodes: number
  rateCounters: number
}

/**
 * Deletes the embedded stores' expired rows (what Redis expires by itself): sorted-set rows past
 * their TTL (anonymous devices' feed state), SMS codes and rate-limit windows. Expired rows are
 * already invisible to reads; this only frees the space. Safe to run at any time, on any node.
 */
export async function purgeExpiredState(
  db: Kysely<Database>,
  nowMs = Date.now(),
): Promise<PurgeResult> {
  return {
    sortedSetRows: await purgeSortedSets(db, nowMs),
    smsCodes: await purgeSmsCodes(db, nowMs),
    rateCounters: await purgeRateCounters(db, nowMs),
  }
}
