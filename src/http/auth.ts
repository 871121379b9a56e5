import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import { AppError, NOT_FOUND } from '../errors.js'
import type { TokenClaims, TokenService } from '../features/auth/tokens.js'
import { isDeviceId } from '../infra/ids/device-id.js'

/** Who is calling, as read from the `Authorization` header. */
export interface Caller {
  /** `Bearer` token was sent (valid or not). */
  readonly tokenSent: boolean
  /** Claims of a valid token, or null. */
  readonly claims: TokenClaims | null
  /** The device id of `Authorization: Anony <id>` (anonymous feed clients), when well formed. */
  readonly anonymousId: string | null
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Read from the `Authorization` header when first asked. */
    readonly caller: Caller
    /** The caller's user id once a guard accepted its token, else null. */
    userId: bigint | null
  }
  interface FastifyInstance {
    /**
     * onRequest guard: a valid access token of an enabled user (the original's `login_required`).
     * As an onRequest hook it refuses a caller before the body is read or parsed.
     */
    requireUser: onRequestAsyncHookHandler
    /** onRequest guard: anonymous, or a valid (access or refresh) token of an enabled user. */
    optionalUser: onRequestAsyncHookHandler
    /** onRequest guard: an mp token (`verified: true`) of an enabled user (`verify_required`). */
    requireVerified: onRequestAsyncHookHandler
  }
}

const ANONYMOUS: Caller = { tokenSent: false, claims: null, anonymousId: null }
const CALLER = Symbol('caller')

/** Reads the caller on every request and adds the two auth guards. */
export function registerAuth(
  app: FastifyInstance,
  deps: { tokens: TokenService; isUserEnabled: (userId: bigint) => Promise<boolean> },
) {
  // Read on first use (a guard, a handler, read routing): routes that never ask pay nothing.
  app.decorateRequest(CALLER, null)
  app.decorateRequest('caller', {
    getter(this: FastifyRequest) {
      const memo = this as unknown as { [CALLER]: Caller | null }
      return (memo[CALLER] ??= readCaller(this, deps.tokens))
    },
  })
  app.decorateRequest('userId', null)

  const checkUser = async (request: FastifyRequest, claims: TokenClaims) => {
    if (!(await deps.isUserEnabled(claims.userId))) throw new AppError(403, 'User denied.')
    request.userId = claims.userId
  }
  app.decorate('requireUser', async (request: FastifyRequest) => {
    refuseUnmatchedPath(request)
    const { claims } = request.caller
    if (!claims) throw new AppError(401, 'User must be authorized.')
    if (claims.refresh) throw new AppError(403, 'Do not use refresh token.')
    await checkUser(request, claims)
  })
  app.decorate('requireVerified', async (request: FastifyRequest) => {
    refuseUnmatchedPath(request)
    const { claims } = request.caller
    if (!claims) throw new AppError(401, 'User must be authorized.')
    if (claims.refresh) throw new AppError(403, 'Do not use refresh token.')
    if (!claims.verified) throw new AppError(403, 'User must be real info verified.')
    await checkUser(request, claims)
  })
  app.decorate('optionalUser', async (request: FastifyRequest) => {
    refuseUnmatchedPath(request)
    const { claims, tokenSent } = request.caller
    if (tokenSent && !claims) throw new AppError(401, 'Token has some errors.')
    // As the original's `validate_token_if_using`: a refresh token names its user too.
    if (claims) await checkUser(request, claims)
  })
}

// Flask's URL converters refuse a path before any view decorator runs: its 404 comes before auth,
// although the guards run as onRequest hooks, ahead of Fastify's own params validation.
export function refuseUnmatchedPath(request: FastifyRequest) {
  const validate = request.getValidationFunction('params')
  if (validate && !validate(request.params)) throw new AppError(404, NOT_FOUND)
}

function readCaller(request: FastifyRequest, tokens: TokenService): Caller {
  // The original's prefixes, case and single space included (`bearer x` is no token at all).
  const header = request.headers.authorization ?? ''
  if (header.startsWith('Anony ')) {
    const value = header.slice(6).trim()
    return { ...ANONYMOUS, anonymousId: isDeviceId(value) ? value : null }
  }
  if (!header.startsWith('Bearer ')) return ANONYMOUS
  const token = header.trim().slice(7)
  return { tokenSent: true, claims: token ? tokens.read(token) : null, anonymousId: null }
}

/** The user id on a route guarded by `requireUser`. */
export function userIdOf(request: FastifyRequest): bigint {
  if (request.userId === null) throw new AppError(401, 'User must be authorized.')
  return request.userId
}
