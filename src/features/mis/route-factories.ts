import type { Static, TObject, TProperties, TSchema } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type { Deps } from '../../deps.js'
import { ok } from '../../http/schemas.js'
import type { Database } from '../../infra/db/schema.js'
import { misPermission } from './access/guard.js'
import { actorOf, listOptions, pageOf } from './mis.schemas.js'
import type { Actor } from './system/operation-log.repo.js'

/** What a list route hands its page function: the declared filters as sent, and `order_by=id`. */
export type ListFilter<P extends TProperties> = Static<TObject<P>> & { orderById: boolean }

/** An admin list's answer: `{<key>: items, total_count}`. */
export type ListAnswer<K extends string, I> = { [Q in K]: I[] } & { total_count: number }

type ListPaging = { order_by?: string | undefined; page: number; per_page: number }

/** What every admin route declares: its OpenAPI tags and summary, and the permission it needs. */
export interface RouteSpec {
  tags: string[]
  summary: string
  permission: string
}

/** Offset and limit of one page. */
export interface PageSpan {
  offset: number
  limit: number
}

/**
 * Registers `GET url`, an admin list: its `filters` (with `order_by` and the paging) read from the
 * querystring, guarded by `permission`, answered by `list` (one page from the read database) as
 * `{<key>: [item], total_count}`. Without `item` the answer has no response schema.
 */
export function listRoute<P extends TProperties, K extends string, T extends TSchema = TSchema>(
  app: FastifyInstance,
  deps: Deps,
  url: string,
  spec: RouteSpec & {
    filters: P
    key: K
    item?: T
    list: (
      db: Kysely<Database>,
      filter: ListFilter<P>,
      page: PageSpan,
    ) => Promise<ListAnswer<K, Static<T>>>
  },
): void {
  const names = Object.keys(spec.filters)
  app.get(url, listOptions(deps, spec), async (request) => {
    const query = request.query as Record<string, unknown> & ListPaging
    const filter = Object.fromEntries(names.map((name) => [name, query[name]]))
    const orderById = query.order_by === 'id'
    const page = pageOf(query)
    return ok(await spec.list(deps.db.read, { ...filter, orderById } as ListFilter<P>, page))
  })
}

/**
 * Registers `DELETE url` (a `:target` path), guarded by `permission`: `remove` deletes what
 * `target` names on behalf of the requesting administrator, and the answer is an empty 204.
 */
export function deleteRoute(
  app: FastifyInstance,
  deps: Deps,
  url: string,
  spec: RouteSpec & {
    params: TSchema
    remove: (target: string, actor: Actor) => Promise<unknown>
  },
): void {
  app.delete(
    url,
    {
      schema: { tags: spec.tags, summary: spec.summary, params: spec.params },
      onRequest: misPermission(deps, spec.permission),
    },
    async (request: FastifyRequest, reply) => {
      const { target } = request.params as { target: string }
      await spec.remove(target, actorOf(request))
      return reply.status(204).send()
    },
  )
}
