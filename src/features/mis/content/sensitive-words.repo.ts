import type { Kysely } from 'kysely'
import type { Database } from '../../../infra/db/schema.js'
import { isoDateTime, sqlDateTime, toId, toInt } from '../../../infra/db/values.js'
import { listPage, withKeyword } from '../listing.js'

const COLUMNS = ['id', 'word', 'weights', 'hold_count', 'create_time', 'update_time'] as const

function toItem(row: {
  id: bigint | string
  word: string
  weights: number | bigint
  hold_count: number | bigint
  create_time: string
  update_time: string
}) {
  return {
    id: toId(row.id),
    word: row.word,
    weights: toInt(row.weights),
    hold_count: toInt(row.hold_count),
    create_time: isoDateTime(row.create_time) ?? '',
    update_time: isoDateTime(row.update_time) ?? '',
  }
}

/** One page of sensitive words. */
export async function listWords(
  db: Kysely<Database>,
  filter: { word?: string | undefined; orderById: boolean },
  page: { offset: number; limit: number },
) {
  return listPage(
    'words',
    withKeyword(db.selectFrom('recommend_sensitive_word'), filter.word, ['word']),
    (q) =>
      q
        .select(COLUMNS)
        .orderBy(filter.orderById ? 'id' : 'weights', 'desc')
        .orderBy('id', 'desc'),
    page,
    toItem,
  )
}

/** One word, or undefined. */
export async function getWord(db: Kysely<Database>, id: bigint) {
  const row = await db
    .selectFrom('recommend_sensitive_word')
    .select(COLUMNS)
    .where('id', '=', id.toString())
    .executeTakeFirst()
  return row && toItem(row)
}

/** The id of this word, or undefined. */
export async function wordId(db: Kysely<Database>, word: string) {
  const row = await db
    .selectFrom('recommend_sensitive_word')
    .select('id')
    .where('word', '=', word)
    .executeTakeFirst()
  return row && toId(row.id)
}

/** Inserts a word and returns its id. */
export async function insertWord(db: Kysely<Database>, word: string, weights: number) {
  await db.insertInto('recommend_sensitive_word').values({ word, weights }).execute()
  const id = await wordId(db, word)
  if (id === undefined) throw new Error(`word ${word} vanished after insert`)
  return id
}

/** Changes a word and its weight. */
export async function updateWord(db: Kysely<Database>, id: bigint, word: string, weights: number) {
  await db
    .updateTable('recommend_sensitive_word')
    .set({ word, weights, update_time: sqlDateTime() })
    .where('id', '=', id.toString())
    .execute()
}

/** Deletes a word. */
export async function deleteWord(db: Kysely<Database>, id: bigint) {
  await db.deleteFrom('recommend_sensitive_word').where('id', '=', id.toString()).execute()
}
