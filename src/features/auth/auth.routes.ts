import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { typed, type Feature } from '../../http/feature.js'
import { need, orNull, reqparse } from '../../http/reqparse.js'
import { mobile, paramRegex } from '../../http/reqparse-types.js'
import { Ok, ok } from '../../http/schemas.js'
import { login, refresh, sendLoginCode } from './auth.service.js'
import { TooManyRequests } from './login-limits.js'

const MOBILE = '^1[3-9][0-9]{9}$'
const Tokens = Type.Object({ token: Type.String(), refresh_token: Type.String() })
const LoginArgs = reqparse({
  mobile: orNull(need('json', mobile)),
  code: orNull(need('json', paramRegex('^\\d{6}$'))),
})

/** SMS codes, login and token refresh. */
export const authRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)
  const limitSms = smsLimiter(instance, deps)

  app.get(
    '/v1_0/sms/codes/:mobile',
    {
      schema: {
        summary: 'Send an SMS login code (1 per minute per mobile, 100 per hour per IP)',
        tags: ['auth'],
        params: Type.Object({ mobile: Type.String({ pattern: MOBILE }) }),
        response: { 200: Ok(Type.Object({ mobile: Type.String() })) },
      },
      preHandler: limitSms,
    },
    async (request) => {
      await sendLoginCode(deps, 'app', request.params.mobile)
      return ok({ mobile: request.params.mobile })
    },
  )

  app.post(
    '/v1_0/authorizations',
    {
      schema: {
        summary:
          'Log in (or register) with mobile and SMS code (10 failures per mobile, 50 per IP in 15 min)',
        tags: ['auth'],
        ...LoginArgs.schema,
        response: { 201: Ok(Tokens) },
      },
    },
    async (request, reply) => {
      const args = await LoginArgs.parse(request)
      // reqparse let JSON nulls (and `$` a final newline) through; no code is sent to those.
      if (args.mobile === null || args.code === null || args.mobile.endsWith('\n')) {
        throw new AppError(400, 'Invalid code.')
      }
      const tokens = await login(deps, args.mobile, args.code, request.ip).catch(
        (error: unknown) => {
          if (error instanceof TooManyRequests) reply.header('retry-after', error.retryAfterSeconds)
          throw error
        },
      )
      return reply.status(201).send(ok(tokens))
    },
  )

  app.put(
    '/v1_0/authorizations',
    {
      schema: {
        summary: 'New access token from the refresh token in Authorization: Bearer',
        tags: ['auth'],
        security: [{ bearer: [] }],
        response: { 201: Ok(Type.Object({ token: Type.String() })) },
      },
    },
    async (request, reply) => {
      const token = await refresh(deps, request.caller.claims)
      return reply.status(201).send(ok(token))
    },
  )
}

type SmsLimit = (request: FastifyRequest, reply: FastifyReply) => Promise<void>
const smsLimits = new WeakMap<Deps, SmsLimit>()

/**
 * The original's two SMS limits, 1/minute per mobile and 100/hour per IP, both enforced and
 * counted once for both mounts. The IP limit goes first, so that a blocked address cannot use up
 * other people's mobiles. Runs after validation: a mobile the URL refuses is a 404 and costs
 * nothing, as with Flask's URL converter.
 */
export function smsLimiter(app: FastifyInstance, deps: Deps): SmsLimit {
  const existing = smsLimits.get(deps)
  if (existing) return existing
  const limiters = [
    app.createRateLimit({
      max: 100,
      timeWindow: '1 hour',
      keyGenerator: (request) => `sms:ip:${request.ip}`,
    }),
    app.createRateLimit({
      max: 1,
      timeWindow: '1 minute',
      keyGenerator: (request) => `sms:mobile:${(request.params as { mobile: string }).mobile}`,
    }),
  ]
  const limit: SmsLimit = async (request, reply) => {
    for (const limiter of limiters) {
      const result = await limiter(request)
      if (!result.isAllowed && result.isExceeded) {
        reply.header('retry-after', result.ttlInSeconds)
        throw new AppError(429, 'Too many requests.')
      }
    }
  }
  smsLimits.set(deps, limit)
  return limit
}
