import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { typed } from '../../../http/feature.js'
import { Id, IdParam, Ok, ok, requireId } from '../../../http/schemas.js'
import { misPermission } from '../access/guard.js'
import { Flag, NullableString, actorOf } from '../mis.schemas.js'
import { listRoute } from '../route-factories.js'
import { getPermission, listPermissions } from './permissions.repo.js'
import { createPermission, editPermission, removePermission } from './permissions.service.js'

const Permission = Type.Object({
  permission_id: Id,
  name: Type.String(),
  type: Type.Integer(),
  parent_id: Id,
  code: NullableString,
  sequence: Type.Integer(),
})
const Params = Type.Object({ target: IdParam })
const ParentId = Type.Integer({ minimum: 0, maximum: 2 ** 53 - 1 })
const Fields = {
  name: Type.String({ minLength: 1, maxLength: 50 }),
  type: Flag,
  code: Type.String({ minLength: 1, maxLength: 50 }),
  parent_id: ParentId,
  sequence: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }),
}
const INVALID = 'Invalid permission id.'

/** Permissions: menus (type 0, front-end routes) and API points (type 1, route codes). */
export async function permissionsRoutes(instance: FastifyInstance, { deps }: { deps: Deps }) {
  const app = typed(instance)
  const tags = ['mis system']

  listRoute(instance, deps, '/permissions', {
    tags,
    summary: 'List permissions by sequence',
    filters: {
      parent_id: Type.Optional(ParentId),
      type: Type.Optional(Flag),
      keyword: Type.Optional(Type.String({ maxLength: 50 })),
    },
    key: 'permissions',
    item: Permission,
    permission: 'permission-list-get',
    list: (db, { parent_id, type, keyword }, page) =>
      listPermissions(
        db,
        { parentId: parent_id === undefined ? undefined : BigInt(parent_id), type, keyword },
        page,
      ),
  })

  app.post(
    '/permissions',
    {
      schema: {
        tags,
        summary: 'Create a permission (parent_id: a menu, or 0)',
        body: Type.Object({
          name: Fields.name,
          type: Fields.type,
          code: Fields.code,
          parent_id: Type.Optional(ParentId),
          sequence: Type.Optional(Fields.sequence),
        }),
        response: { 201: Ok(Permission) },
      },
      onRequest: misPermission(deps, 'permission-list-post'),
    },
    async (request, reply) => {
      const { parent_id = 0, sequence = 0, ...rest } = request.body
      const values = { ...rest, parent_id: BigInt(parent_id), sequence }
      return reply.status(201).send(ok(await createPermission(deps, actorOf(request), values)))
    },
  )

  app.get(
    '/permissions/:target',
    {
      schema: {
        tags,
        summary: 'One permission',
        params: Params,
        response: { 200: Ok(Permission) },
      },
      onRequest: misPermission(deps, 'permission-get'),
    },
    async (request) => {
      const permission = await getPermission(
        deps.db.read,
        requireId(request.params.target, INVALID),
      )
      if (!permission) throw new AppError(400, INVALID)
      return ok(permission)
    },
  )

  app.put(
    '/permissions/:target',
    {
      schema: {
        tags,
        summary: 'Edit a permission',
        params: Params,
        body: Type.Partial(Type.Object(Fields)),
        response: { 201: Ok(Permission) },
      },
      onRequest: misPermission(deps, 'permission-put'),
    },
    async (request, reply) => {
      const id = requireId(request.params.target, INVALID)
      const { parent_id, ...rest } = request.body
      const changes = {
        ...rest,
        ...(parent_id === undefined ? {} : { parent_id: BigInt(parent_id) }),
      }
      return reply.status(201).send(ok(await editPermission(deps, actorOf(request), id, changes)))
    },
  )

  app.delete(
    '/permissions/:target',
    {
      schema: {
        tags,
        summary: 'Delete a permission (del_children=1 deletes its subtree too)',
        params: Params,
        querystring: Type.Object({ del_children: Type.Optional(Type.Integer({ minimum: 1 })) }),
      },
      onRequest: misPermission(deps, 'permission-delete'),
    },
    async (request, reply) => {
      const id = requireId(request.params.target, INVALID)
      await removePermission(deps, actorOf(request), id, request.query.del_children !== undefined)
      return reply.status(204).send()
    },
  )
}
