import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Deps } from '../../../deps.js'
import { typed } from '../../../http/feature.js'
import { Id, ok } from '../../../http/schemas.js'
import {} from '../access/guard.js'
import { DateTimeText, NullableString, actorOf, pageOf, listOptions } from '../mis.schemas.js'
import { listOperations, logOperation } from './operation-log.repo.js'

const Entry = Type.Object({
  operation_log_id: Id,
  administrator_id: Id,
  administrator_name: NullableString,
  ip: Type.String(),
  operation: NullableString,
  description: Type.String(),
  ctime: NullableString,
})

/** The audit trail of admin actions. */
export async function operationLogRoutes(instance: FastifyInstance, { deps }: { deps: Deps }) {
  typed(instance).get(
    '/operationlogs',
    listOptions(deps, {
      tags: ['mis system'],
      summary: 'Admin actions: keyword (operation or description), begin/end (YYYY-MM-DD HH:MM:SS)',
      filters: {
        keyword: Type.Optional(Type.String({ maxLength: 50 })),
        begin: Type.Optional(DateTimeText),
        end: Type.Optional(DateTimeText),
      },
      key: 'operationlogs',
      item: Entry,
      permission: 'operationlog-get',
    }),
    async (request) => {
      const { keyword, begin, end, order_by } = request.query
      const filter = { keyword, begin, end, orderById: order_by === 'id', ...pageOf(request.query) }
      const page = await listOperations(deps.db.write, filter)
      await logOperation(deps.db.write, actorOf(request), '查询', '查询: 运营日志')
      return ok(page)
    },
  )
}
