import type { Kysely } from 'kysely'
import type { Database } from '../../infra/db/schema.js'
import { msOfDateTime, toId, toInt } from '../../infra/db/values.js'

/** `user_relation.relation` values. */
export const RELATION = { none: 0, follow: 1, blacklist: 2 } as const

/** One row of a user's relations, with the time it last changed. */
export interface RelationRow {
  target: bigint
  relation: number
  changedMs: number
}

/** The user's follows and blacklist entries (relation 1 or 2), newest change first. */
export async function listRelations(db: Kysely<Database>, userId: bigint): Promise<RelationRow[]> {
  const rows = await db
    .selectFrom('user_relation')
    .select(['target_user_id', 'relation', 'update_time'])
    .where('user_id', '=', userId.toString())
    .where('relation', 'in', [RELATION.follow, RELATION.blacklist])
    .orderBy('update_time', 'desc')
    .orderBy('relation_id', 'desc')
    .execute()
  return rows.map((row) => ({
    target: toId(row.target_user_id),
    relation: toInt(row.relation),
    changedMs: msOfDateTime(row.update_time),
  }))
}
