import { Type, type TProperties, type TSchema } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { Deps } from '../../deps.js'
import { Ok } from '../../http/schemas.js'
import { adminIdOf, misPermission } from './access/guard.js'
import type { Actor } from './system/operation-log.repo.js'

/** The admin API's paging: `page` from 1, `per_page` 10..50, default 20. */
export const MisPageQuery = {
  page: Type.Integer({ minimum: 1, maximum: 2_147_483_647, default: 1 }),
  per_page: Type.Integer({ minimum: 10, maximum: 50, default: 20 }),
}

/** Offset and limit of a validated page query. */
export const pageOf = (query: { page: number; per_page: number }) => ({
  offset: (query.page - 1) * query.per_page,
  limit: query.per_page,
})

/** `YYYY-MM-DD HH:MM:SS`, the original's `date_time` argument. */
export const DateTimeText = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$',
})

/** `YYYY-MM-DD`, the original's `date` argument. */
export const DateText = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })

/** 0 or 1 (statuses, flags). */
export const Flag = Type.Integer({ minimum: 0, maximum: 1 })

/** A nullable text in a reply. */
export const NullableString = Type.Union([Type.String(), Type.Null()])

/** A list reply: `{<key>: [...], total_count}` in the success envelope. */
export const ListOf = <K extends string, T extends TSchema>(key: K, item: T) =>
  Ok(
    Type.Object({ [key]: Type.Array(item), total_count: Type.Integer() } as {
      [P in K]: ReturnType<typeof Type.Array<T>>
    } & { total_count: ReturnType<typeof Type.Integer> }),
  )

/** The administrator and address of a guarded request, for the operation log. */
export const actorOf = (request: FastifyRequest): Actor => ({
  administratorId: adminIdOf(request),
  ip: request.ip,
})

/** A LIKE pattern matching `text` anywhere. */
export const contains = (text: string) => `%${text}%`

/** A list's querystring: its own filters, `order_by` and the paging. */
export const ListQuery = <P extends TProperties>(filters: P) =>
  Type.Object({
    ...filters,
    order_by: Type.Optional(Type.String({ maxLength: 20 })),
    ...MisPageQuery,
  })

/**
 * The options of an admin list route: its `filters` (with `order_by` and the paging), the
 * `{<key>: [item], total_count}` answer (no response schema without `item`), and the permission
 * it needs.
 */
export const listOptions = <P extends TProperties, K extends string, T extends TSchema>(
  deps: Deps,
  spec: { tags: string[]; summary: string; filters: P; key: K; item?: T; permission: string },
) => ({
  schema: {
    tags: spec.tags,
    summary: spec.summary,
    querystring: ListQuery(spec.filters),
    ...(spec.item && { response: { 200: ListOf(spec.key, spec.item) } }),
  },
  onRequest: misPermission(deps, spec.permission),
})
