import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { typed } from '../../../http/feature.js'
import { Id, IdInput, IdParam, Ok, ok, requireId } from '../../../http/schemas.js'
import { misPermission } from '../access/guard.js'
import { ACCOUNT_PATTERN, PASSWORD_PATTERN } from '../access/passwords.js'
import { Flag, NullableString, actorOf } from '../mis.schemas.js'
import { deleteRoute, listRoute } from '../route-factories.js'
import { getAdministrator, listAdministrators } from './administrators.repo.js'
import {
  createAdministrator,
  editAdministrator,
  removeAdministrators,
} from './administrators.service.js'

const Administrator = Type.Object({
  administrator_id: Id,
  account: Type.String(),
  email: NullableString,
  mobile: NullableString,
  name: Type.String(),
  group_name: NullableString,
  group_id: Id,
  access_count: Type.Integer(),
  status: Type.Integer(),
  last_login: NullableString,
})
const Params = Type.Object({ target: IdParam })
const Account = Type.String({ pattern: ACCOUNT_PATTERN })
const Password = Type.String({ pattern: PASSWORD_PATTERN })
const Name = Type.String({ minLength: 1, maxLength: 20 })
const INVALID = 'Invalid administrator id.'

/** Administrators: list, create, edit, delete. */
export async function administratorsRoutes(instance: FastifyInstance, { deps }: { deps: Deps }) {
  const app = typed(instance)
  const tags = ['mis system']

  listRoute(instance, deps, '/administrators', {
    tags,
    summary: 'List administrators',
    filters: {
      keyword: Type.Optional(Type.String({ maxLength: 50 })),
      status: Type.Optional(Flag),
    },
    key: 'administrators',
    item: Administrator,
    permission: 'administrator-list-get',
    list: listAdministrators,
  })

  app.post(
    '/administrators',
    {
      schema: {
        tags,
        summary: 'Create an administrator',
        body: Type.Object({ account: Account, password: Password, group_id: IdInput, name: Name }),
        response: {
          201: Ok(
            Type.Object({ administrator_id: Id, account: Type.String(), name: Type.String() }),
          ),
        },
      },
      onRequest: misPermission(deps, 'administrator-list-post'),
    },
    async (request, reply) => {
      const { account, password, name } = request.body
      const groupId = requireId(request.body.group_id, 'Invalid group id.')
      const id = await createAdministrator(deps, actorOf(request), {
        account,
        password,
        name,
        groupId,
      })
      return reply.status(201).send(ok({ administrator_id: id, account, name }))
    },
  )

  app.delete(
    '/administrators',
    {
      schema: {
        tags,
        summary: 'Delete several administrators',
        body: Type.Object({
          administrator_ids: Type.Array(IdInput, { minItems: 1, maxItems: 100 }),
        }),
      },
      onRequest: misPermission(deps, 'administrator-list-delete'),
    },
    async (request, reply) => {
      const ids = request.body.administrator_ids.map((id) => requireId(id, INVALID))
      await removeAdministrators(deps, actorOf(request), ids)
      return reply.status(204).send()
    },
  )

  app.get(
    '/administrators/:target',
    {
      schema: {
        tags,
        summary: 'One administrator',
        params: Params,
        response: { 200: Ok(Administrator) },
      },
      onRequest: misPermission(deps, 'administrator-get'),
    },
    async (request) => {
      const id = requireId(request.params.target, INVALID)
      const admin = await getAdministrator(deps.db.read, id)
      if (!admin) throw new AppError(400, INVALID)
      return ok(admin)
    },
  )

  app.put(
    '/administrators/:target',
    {
      schema: {
        tags,
        summary: 'Edit an administrator (own password: current_password required)',
        params: Params,
        body: Type.Object({
          account: Type.Optional(Account),
          password: Type.Optional(Password),
          name: Type.Optional(Name),
          group_id: Type.Optional(IdInput),
          status: Type.Optional(Flag),
          email: Type.Optional(
            Type.String({ pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', maxLength: 30 }),
          ),
          mobile: Type.Optional(Type.String({ pattern: '^1[3-9][0-9]{9}$' })),
          current_password: Type.Optional(Password),
        }),
        response: { 201: Ok(Administrator) },
      },
      onRequest: misPermission(deps, 'administrator-put'),
    },
    async (request, reply) => {
      const id = requireId(request.params.target, INVALID)
      const { group_id, ...rest } = request.body
      const input = {
        ...rest,
        ...(group_id === undefined ? {} : { group_id: requireId(group_id, 'Invalid group id.') }),
      }
      return reply.status(201).send(ok(await editAdministrator(deps, actorOf(request), id, input)))
    },
  )

  deleteRoute(instance, deps, '/administrators/:target', {
    tags,
    summary: 'Delete an administrator',
    params: Params,
    permission: 'administrator-delete',
    remove: (target, actor) => removeAdministrators(deps, actor, [requireId(target, INVALID)]),
  })
}
