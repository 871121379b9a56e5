import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { typed } from '../../../http/feature.js'
import { Id, IdInput, IdParam, Ok, ok, requireId } from '../../../http/schemas.js'
import { misPermission } from '../access/guard.js'
import { PermissionNode } from '../access/login.routes.js'
import { permissionTree } from '../access/permission-tree.js'
import { Flag, NullableString, actorOf } from '../mis.schemas.js'
import { deleteRoute, listRoute } from '../route-factories.js'
import { getGroup, listGroups } from './groups.repo.js'
import { createGroup, editGroup, removeGroup } from './groups.service.js'

const Group = Type.Object({
  group_id: Id,
  name: Type.String(),
  remark: NullableString,
  status: Type.Integer(),
})
const Params = Type.Object({ target: IdParam })
const Name = Type.String({ minLength: 1, maxLength: 20 })
const Remark = Type.String({ maxLength: 100 })
const PermissionIds = Type.Array(IdInput, { maxItems: 1000 })
const INVALID = 'Invalid group id.'
const ids = (list: (string | number)[]) => list.map((id) => requireId(id, 'Invalid permission id.'))

/** Administrator groups (roles) and the permissions they hold. */
export async function groupsRoutes(instance: FastifyInstance, { deps }: { deps: Deps }) {
  const app = typed(instance)
  const tags = ['mis system']

  listRoute(instance, deps, '/groups', {
    tags,
    summary: 'List groups',
    filters: {
      keyword: Type.Optional(Type.String({ maxLength: 50 })),
    },
    key: 'groups',
    item: Group,
    permission: 'group-list-get',
    list: listGroups,
  })

  app.post(
    '/groups',
    {
      schema: {
        tags,
        summary: 'Create a group',
        body: Type.Object({
          name: Name,
          remark: Type.Optional(Remark),
          status: Type.Optional(Flag),
          permission_ids: Type.Optional(PermissionIds),
        }),
        response: { 200: Ok(Type.Object({ group_id: Id, name: Type.String() })) },
      },
      onRequest: misPermission(deps, 'group-list-post'),
    },
    async (request) => {
      const { name, remark, status = 1, permission_ids = [] } = request.body
      const input = { name, remark, status, permissionIds: ids(permission_ids) }
      return ok(await createGroup(deps, actorOf(request), input))
    },
  )

  app.get(
    '/groups/:target',
    {
      schema: {
        tags,
        summary: 'One group with the permission tree (checked = held)',
        params: Params,
        response: {
          200: Ok(
            Type.Composite([Group, Type.Object({ permission_tree: Type.Array(PermissionNode) })]),
          ),
        },
      },
      onRequest: misPermission(deps, 'group-get'),
    },
    async (request) => {
      const id = requireId(request.params.target, INVALID)
      const group = await getGroup(deps.db.read, id)
      if (!group) throw new AppError(400, INVALID)
      return ok({ ...group, permission_tree: await permissionTree(deps.db.read, id) })
    },
  )

  app.put(
    '/groups/:target',
    {
      schema: {
        tags,
        summary: 'Edit a group (permission_ids replaces its permissions)',
        params: Params,
        body: Type.Object({
          name: Type.Optional(Name),
          remark: Type.Optional(Remark),
          status: Type.Optional(Flag),
          permission_ids: Type.Optional(PermissionIds),
        }),
        response: { 201: Ok(Group) },
      },
      onRequest: misPermission(deps, 'group-put'),
    },
    async (request, reply) => {
      const id = requireId(request.params.target, INVALID)
      const { permission_ids, ...changes } = request.body
      const input = { ...changes, permissionIds: permission_ids && ids(permission_ids) }
      return reply.status(201).send(ok(await editGroup(deps, actorOf(request), id, input)))
    },
  )

  deleteRoute(instance, deps, '/groups/:target', {
    tags,
    summary: 'Delete a group without administrators',
    params: Params,
    permission: 'group-delete',
    remove: (target, actor) => removeGroup(deps, actor, requireId(target, INVALID)),
  })
}
