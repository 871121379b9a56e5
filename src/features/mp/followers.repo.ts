import type { Kysely } from 'kysely'
import { countAndPage } from '../../infra/db/paging.js'
import type { Database } from '../../infra/db/schema.js'
import { toId, toInt } from '../../infra/db/values.js'

type Db = Kysely<Database>

const FOLLOW = 1

function followersOf(db: Db, userId: bigint) {
  return db
    .selectFrom('user_relation as r')
    .where('r.target_user_id', '=', userId.toString())
    .where('r.relation', '=', FOLLOW)
}

/** A page of the user's followers, latest follow first. */
export async function listFollowers(db: Db, userId: bigint, offset: number, limit: number) {
  const { rows, total } = await countAndPage(
    followersOf(db, userId),
    (query) =>
      query
        .innerJoin('user_basic as u', 'u.user_id', 'r.user_id')
        .select(['u.user_id', 'u.user_name', 'u.profile_photo'])
        .orderBy('r.update_time', 'desc')
        .orderBy('r.relation_id', 'desc'),
    { offset, limit },
  )
  return {
    total,
    rows: rows.map((row) => ({
      id: toId(row.user_id),
      name: row.user_name,
      photo: row.profile_photo ?? '',
    })),
  }
}

/** How many followers are male (gender 0) and female (1), from `user_profile`. */
export async function followerGenders(db: Db, userId: bigint) {
  const rows = await followersOf(db, userId)
    .innerJoin('user_profile as p', 'p.user_id', 'r.user_id')
    .select(['p.gender', (eb) => eb.fn.countAll().as('n')])
    .groupBy('p.gender')
    .execute()
  const count = (gender: number) => toInt(rows.find((row) => toInt(row.gender) === gender)?.n ?? 0)
  return { male: count(0), female: count(1) }
}
