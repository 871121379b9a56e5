import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { typed } from '../../../http/feature.js'
import { Id, Message, Ok, ok } from '../../../http/schemas.js'
import { actorOf } from '../mis.schemas.js'
import { adminClaimsOf, misLogin } from './guard.js'
import { createLoginFailures } from './login-failures.js'
import { adminLogin, changeOwnPassword, refreshAdminToken } from './login.service.js'
import { ACCOUNT_PATTERN, PASSWORD_PATTERN } from './passwords.js'

const PermissionNode = Type.Recursive((Self) =>
  Type.Object({
    permission_id: Id,
    name: Type.String(),
    type: Type.Integer(),
    parent_id: Id,
    code: Type.Union([Type.String(), Type.Null()]),
    sequence: Type.Integer(),
    checked: Type.Integer(),
    children: Type.Array(Self),
  }),
)

/** The permission tree schema (login and group details). */
export { PermissionNode }

const Password = Type.String({ pattern: PASSWORD_PATTERN })

/** Captcha, login, token refresh and the administrator's own password. */
export async function loginRoutes(instance: FastifyInstance, { deps }: { deps: Deps }) {
  const app = typed(instance)
  const loginFailures = createLoginFailures(deps.redis, deps.log)
  const ipLimit = instance.createRateLimit({
    max: 100,
    timeWindow: '15 minutes',
    keyGenerator: (request) => `mis:login:ip:${request.ip}`,
  })
  const limitIp = async (request: Parameters<typeof ipLimit>[0]) => {
    const result = await ipLimit(request)
    if (!result.isAllowed && result.isExceeded) throw new AppError(429, 'Too many requests.')
  }

  app.get(
    '/captchas/:account',
    {
      schema: {
        summary: 'Geetest captcha in offline (failback) mode; the login accepts it as it is',
        tags: ['mis auth'],
        params: Type.Object({ account: Type.String({ maxLength: 32 }) }),
        response: { 200: Ok(Type.String()) },
      },
      preHandler: limitIp,
    },
    async (request) => ok(await deps.captcha.register(request.params.account)),
  )

  app.post(
    '/authorizations',
    {
      schema: {
        summary: 'Administrator login (5 wrong passwords in 15 min lock the account 15 min)',
        tags: ['mis auth'],
        body: Type.Object({
          account: Type.String({ pattern: ACCOUNT_PATTERN }),
          password: Password,
          challenge: Type.Optional(Type.String({ maxLength: 200 })),
          validate: Type.Optional(Type.String({ maxLength: 200 })),
          seccode: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: {
          201: Ok(
            Type.Object({
              token: Type.String(),
              refresh_token: Type.String(),
              administrator_id: Id,
              group_id: Id,
              name: Type.String(),
              permission_tree: Type.Array(PermissionNode),
            }),
          ),
        },
      },
      preHandler: limitIp,
    },
    async (request, reply) => {
      const body = await adminLogin(
        { ...deps, loginFailures },
        request.body.account,
        request.body.password,
      )
      return reply.status(201).send(ok(body))
    },
  )

  app.put(
    '/authorizations',
    {
      schema: {
        summary: 'New access token from the refresh token in Authorization: Bearer',
        tags: ['mis auth'],
        security: [{ bearer: [] }],
        response: { 201: Ok(Type.Object({ token: Type.String() })) },
      },
    },
    async (request, reply) => {
      const claims = adminClaimsOf(deps, request)
      const id = claims?.refresh ? claims.administratorId : null
      return reply.status(201).send(ok(await refreshAdminToken({ ...deps, loginFailures }, id)))
    },
  )

  app.put(
    '/password',
    {
      schema: {
        summary: "Change the logged-in administrator's password",
        tags: ['mis auth'],
        security: [{ bearer: [] }],
        body: Type.Object({ old_password: Password, password: Password }),
        response: { 201: Message },
      },
      onRequest: misLogin(deps),
    },
    async (request, reply) => {
      const { old_password, password } = request.body
      await changeOwnPassword(deps, actorOf(request), old_password, password)
      return reply.status(201).send({ message: 'ok' })
    },
  )
}
