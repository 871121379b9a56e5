import type { Kysely } from 'kysely'
import type { Database } from '../../../infra/db/schema.js'
import { isoDateTime, toId } from '../../../infra/db/values.js'
import { listPage, withKeyword, withRange } from '../listing.js'

/** Who did it, from where. */
export interface Actor {
  administratorId: bigint
  ip: string
}

/**
 * Records one admin action (`mis_operation_log`). Called with the transaction of the write it
 * describes, so a write and its record commit or fail together.
 */
export async function logOperation(
  db: Kysely<Database>,
  actor: Actor,
  operation: string,
  description: string,
): Promise<void> {
  await db
    .insertInto('mis_operation_log')
    .values({
      administrator_id: actor.administratorId.toString(),
      ip: actor.ip.slice(0, 45),
      operation: operation.slice(0, 50),
      description: description.slice(0, 200),
    })
    .execute()
}

/** Filters of `GET /operationlogs`. */
export interface LogFilter {
  keyword?: string | undefined
  begin?: string | undefined
  end?: string | undefined
  orderById: boolean
  offset: number
  limit: number
}

/** One page of the log, newest first (or by id), with the administrator's name. */
export async function listOperations(db: Kysely<Database>, filter: LogFilter) {
  let query = db
    .selectFrom('mis_operation_log as l')
    .leftJoin('mis_administrator as a', 'a.administrator_id', 'l.administrator_id')
  query = withKeyword(query, filter.keyword, ['l.operation', 'l.description'])
  query = withRange(query, 'l.create_time', filter.begin, filter.end)
  const order = filter.orderById ? 'l.operation_log_id' : 'l.create_time'
  return listPage(
    'operationlogs',
    query,
    (q) =>
      q
        .select([
          'l.operation_log_id',
          'l.administrator_id',
          'a.name as administrator_name',
          'l.ip',
          'l.operation',
          'l.description',
          'l.create_time',
        ])
        .orderBy(order, 'desc')
        .orderBy('l.operation_log_id', 'desc'),
    filter,
    (row) => ({
      operation_log_id: toId(row.operation_log_id),
      administrator_id: toId(row.administrator_id),
      administrator_name: row.administrator_name,
      ip: row.ip,
      operation: row.operation,
      description: row.description,
      ctime: isoDateTime(row.create_time),
    }),
  )
}
