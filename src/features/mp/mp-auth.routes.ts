import { Type } from '@sinclair/typebox'
import {
  CodeSent,
  Mobile,
  MobileParams,
  refreshSchema,
  sendCodeTo,
  smsLimiter,
  withRetryAfter,
} from '../auth/auth.routes.js'
import { typed, type Feature } from '../../http/feature.js'
import { Id, Ok, ok } from '../../http/schemas.js'
import { checkCaptcha, mpLogin, mpRefresh } from './mp-auth.service.js'

const tags = ['mp auth']

/** Authors' login: Geetest captcha (offline mode), SMS code, tokens that carry `verified`. */
export const mpAuthRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)
  const limitSms = smsLimiter(instance, deps)

  app.get(
    '/v1_0/captchas/:mobile',
    {
      schema: {
        summary: "Start the login captcha: Geetest's JSON text (offline mode)",
        tags,
        params: MobileParams,
        response: { 200: Ok(Type.String()) },
      },
    },
    async (request) => ok(await deps.captcha.register(request.params.mobile)),
  )

  app.get(
    '/v1_0/sms/codes/:mobile',
    {
      schema: {
        summary: 'Send an mp login code once the captcha is answered (same limits as the app)',
        tags,
        params: MobileParams,
        querystring: Type.Object({
          challenge: Type.String(),
          validate: Type.String(),
          seccode: Type.String(),
        }),
        response: { 200: CodeSent },
      },
      // The captcha first: a wrong answer costs no SMS quota.
      preHandler: [
        async (request) => checkCaptcha(deps, request.params.mobile, request.query),
        limitSms,
      ],
    },
    sendCodeTo(deps, 'mp'),
  )

  app.post(
    '/v1_0/authorizations',
    {
      schema: {
        summary: 'Log an author in with mobile and SMS code',
        tags,
        body: Type.Object({
          mobile: Mobile,
          code: Type.String({ pattern: '^[0-9]{6}$' }),
        }),
        response: {
          201: Ok(
            Type.Object({
              token: Type.String(),
              refresh_token: Type.String(),
              id: Id,
              name: Type.String(),
              photo: Type.String(),
            }),
          ),
        },
      },
    },
    async (request, reply) => {
      const { mobile, code } = request.body
      const result = await withRetryAfter(reply, mpLogin(deps, mobile, code, request.ip))
      return reply.status(201).send(ok(result))
    },
  )

  app.put(
    '/v1_0/authorizations',
    { schema: refreshSchema('New mp access token from the mp refresh token', tags) },
    async (request, reply) =>
      reply.status(201).send(ok(await mpRefresh(deps, request.caller.claims))),
  )
}
