import type { Kysely } from 'kysely'
import type { Database } from '../../infra/db/schema.js'
import { isUniqueViolation } from '../../infra/db/errors.js'
import { msOfDateTime, sqlDateTime, toId, toInt } from '../../infra/db/values.js'
import { RELATION } from './relations.repo.js'

type Db = Kysely<Database>

/** Which end of a follow a list is about: whom the user follows, or who follows the user. */
export type FollowSide = 'followings' | 'followers'

/** A user in a follow list and when the follow last changed. */
export interface FollowRow {
  id: bigint
  changedMs: number
}

// A compare-and-set that keeps losing to concurrent writes of the same pair is given up.
const MAX_ATTEMPTS = 5

/**
 * Sets the user's relation to the target (0 none, 1 follow, 2 blacklist) and answers the
 * relation it replaced, or null when nothing changed: it already was `to`, or it was not
 * `onlyFrom` when that is given. Each step is a single-row compare-and-set, so concurrent
 * writes of the same pair never both see the same old value (the callers' counters depend on it).
 */
export async function setRelation(
  db: Db,
  userId: bigint,
  target: bigint,
  to: number,
  onlyFrom?: number,
): Promise<number | null> {
  const pair = { user_id: userId.toString(), target_user_id: target.toString() }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const row = await db
      .selectFrom('user_relation')
      .select('relation')
      .where('user_id', '=', pair.user_id)
      .where('target_user_id', '=', pair.target_user_id)
      .executeTakeFirst()
    if (!row) {
      if (to === RELATION.none || (onlyFrom ?? RELATION.none) !== RELATION.none) return null
      const now = sqlDateTime()
      try {
        await db
          .insertInto('user_relation')
          .values({ ...pair, relation: to, create_time: now, update_time: now })
          .execute()
        return RELATION.none
      } catch (error) {
        if (!isUniqueViolation(error)) throw error
        continue
      }
    }
    const from = toInt(row.relation)
    if (from === to || (onlyFrom !== undefined && from !== onlyFrom)) return null
    const result = await db
      .updateTable('user_relation')
      .set({ relation: to, update_time: sqlDateTime() })
      .where('user_id', '=', pair.user_id)
      .where('target_user_id', '=', pair.target_user_id)
      .where('relation', '=', from)
      .executeTakeFirst()
    if (result.numUpdatedRows > 0n) return from
  }
  throw new Error(`relation of ${userId} to ${target} kept changing concurrently`)
}

const columns = {
  followings: { self: 'user_id', other: 'target_user_id' },
  followers: { self: 'target_user_id', other: 'user_id' },
} as const

/** One page of a follow list, newest change first. */
export async function listFollows(
  db: Db,
  side: FollowSide,
  userId: bigint,
  limit: number,
  offset = 0,
): Promise<FollowRow[]> {
  const { self, other } = columns[side]
  const rows = await db
    .selectFrom('user_relation')
    .select([`${other} as id`, 'update_time'])
    .where(self, '=', userId.toString())
    .where('relation', '=', RELATION.follow)
    .orderBy('update_time', 'desc')
    .orderBy('relation_id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute()
  return rows.map((row) => ({ id: toId(row.id), changedMs: msOfDateTime(row.update_time) }))
}

/** How many users are in a follow list. */
export async function countFollows(db: Db, side: FollowSide, userId: bigint): Promise<number> {
  const { self } = columns[side]
  const row = await db
    .selectFrom('user_relation')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(self, '=', userId.toString())
    .where('relation', '=', RELATION.follow)
    .executeTakeFirst()
  return toInt(row?.n)
}

/** Which of `ids` are in the user's follow list. */
export async function followsAmong(
  db: Db,
  side: FollowSide,
  userId: bigint,
  ids: readonly bigint[],
): Promise<Set<bigint>> {
  if (ids.length === 0) return new Set()
  const { self, other } = columns[side]
  const rows = await db
    .selectFrom('user_relation')
    .select(`${other} as id`)
    .where(self, '=', userId.toString())
    .where(
      other,
      'in',
      ids.map((id) => id.toString()),
    )
    .where('relation', '=', RELATION.follow)
    .execute()
  return new Set(rows.map((row) => toId(row.id)))
}
