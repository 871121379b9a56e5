import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { typed, type Feature } from '../../http/feature.js'
import { need, orNull, reqparse } from '../../http/reqparse.js'
import { mobile, paramRegex } from '../../http/reqparse-types.js'
import { Ok, ok } from '../../http/schemas.js'
import type { SmsScope } from '../../infra/store/sms-codes.js'
import { login, refresh, sendLoginCode } from './auth.service.js'
import { TooManyRequests } from './login-limits.js'

/** A mainland mobile number, as both logins (app and mp) take it. */
export const Mobile = Type.String({ pattern: '^1[3-9][0-9]{9}$' })
/** The path of a code request, and its answer. */
export const MobileParams = Type.Object({ mobile: Mobile })
export const CodeSent = Ok(Type.Object({ mobile: Type.String() }))
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
        params: MobileParams,
        response: { 200: CodeSent },
      },
      preHandler: limitSms,
    },
    sendCodeTo(deps, 'app'),
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
      const tokens = await withRetryAfter(reply, login(deps, args.mobile, args.code, request.ip))
      return reply.status(201).send(ok(tokens))
    },
  )

  app.put(
    '/v1_0/authorizations',
    {
      schema: refreshSchema('New access token from the refresh token in Authorization: Bearer', [
        'auth',
      ]),
    },
    async (request, reply) => {
      const token = await refresh(deps, request.caller.claims)
      return reply.status(201).send(ok(token))
    },
  )
}

/** The handler of a code request: sends a login code of `scope` to the path's mobile. */
export const sendCodeTo =
  (deps: Deps, scope: SmsScope) => async (request: { params: { mobile: string } }) => {
    await sendLoginCode(deps, scope, request.params.mobile)
    return ok({ mobile: request.params.mobile })
  }

/** Runs a login; a TooManyRequests sets `Retry-After` on its way to the 429. */
export function withRetryAfter<T>(reply: FastifyReply, login: Promise<T>): Promise<T> {
  return login.catch((error: unknown) => {
    if (error instanceof TooManyRequests) reply.header('retry-after', error.retryAfterSeconds)
    throw error
  })
}

/** The schema of `PUT /v1_0/authorizations` (refresh) on one mount. */
export const refreshSchema = (summary: string, tags: string[]) => ({
  summary,
  tags,
  security: [{ bearer: [] }],
  response: { 201: Ok(Type.Object({ token: Type.String() })) },
})

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
