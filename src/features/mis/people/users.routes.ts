import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { typed } from '../../../http/feature.js'
import { Id, IdInput, IdParam, Ok, ok, requireId } from '../../../http/schemas.js'
import { misPermission } from '../access/guard.js'
import { ACCOUNT_PATTERN, PASSWORD_PATTERN } from '../access/passwords.js'
import { DateTimeText, Flag, NullableString, actorOf } from '../mis.schemas.js'
import { listRoute } from '../route-factories.js'
import { getUser, listUsers } from './users.repo.js'
import { createAppUser, setUsersStatus } from './users.service.js'

const User = Type.Object({
  user_id: Id,
  account: NullableString,
  name: Type.String(),
  email: NullableString,
  mobile: Type.String(),
  last_login: NullableString,
  is_verified: Type.Integer(),
  is_media: Type.Integer(),
  status: Type.Integer(),
})
const Short = (max: number) => Type.Optional(Type.String({ maxLength: max }))
const INVALID = 'Invalid user id.'

/** App users as administrators see them: list, search, create, one user. */
export async function usersAdminRoutes(instance: FastifyInstance, { deps }: { deps: Deps }) {
  const app = typed(instance)
  const tags = ['mis users']

  listRoute(instance, deps, '/users', {
    tags,
    summary: 'List users: keyword (mobile, account, name), status, begin/end on last_login',
    filters: {
      keyword: Type.Optional(Type.String({ maxLength: 32 })),
      status: Type.Optional(Flag),
      begin: Type.Optional(DateTimeText),
      end: Type.Optional(DateTimeText),
    },
    key: 'users',
    item: User,
    permission: 'userlist-get',
    list: listUsers,
  })

  app.post(
    '/users',
    {
      schema: {
        tags,
        summary: 'Create a user (profile_photo: base64 image)',
        body: Type.Object({
          account: Type.String({ pattern: ACCOUNT_PATTERN }),
          password: Type.String({ pattern: PASSWORD_PATTERN }),
          name: Type.String({ minLength: 1, maxLength: 7 }),
          mobile: Type.String({ pattern: '^1[3-9][0-9]{9}$' }),
          gender: Flag,
          profile_photo: Type.Optional(Type.String({ maxLength: 8_000_000 })),
          introduction: Short(50),
          email: Type.Optional(
            Type.String({ pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', maxLength: 20 }),
          ),
          area: Short(20),
          company: Short(20),
          career: Short(20),
        }),
        response: { 201: Ok(User) },
      },
      onRequest: misPermission(deps, 'userlist-post'),
    },
    async (request, reply) => {
      const b = request.body
      const user = await createAppUser(deps, actorOf(request), {
        account: b.account,
        password: b.password,
        name: b.name,
        mobile: b.mobile,
        gender: b.gender,
        profilePhoto: b.profile_photo,
        introduction: b.introduction ?? null,
        email: b.email ?? null,
        area: b.area ?? null,
        company: b.company ?? null,
        career: b.career ?? null,
      })
      return reply.status(201).send(ok(user))
    },
  )

  app.put(
    '/users',
    {
      schema: {
        tags,
        summary:
          'Freeze (status 0) or unfreeze (1) users: refused on their next request on any node',
        body: Type.Object({
          user_ids: Type.Array(IdInput, { minItems: 1, maxItems: 100 }),
          status: Flag,
        }),
        response: { 201: Ok(Type.Object({ count: Type.Integer() })) },
      },
      onRequest: misPermission(deps, 'userlist-put'),
    },
    async (request, reply) => {
      const ids = request.body.user_ids.map((id) => requireId(id, INVALID))
      const count = await setUsersStatus(deps, actorOf(request), ids, request.body.status)
      return reply.status(201).send(ok({ count }))
    },
  )

  app.get(
    '/users/:target',
    {
      schema: {
        tags,
        summary: 'One user',
        params: Type.Object({ target: IdParam }),
        response: { 200: Ok(User) },
      },
      onRequest: misPermission(deps, 'user-get'),
    },
    async (request) => {
      const user = await getUser(deps.db.read, requireId(request.params.target, INVALID))
      if (!user) throw new AppError(400, INVALID)
      return ok(user)
    },
  )
}
