import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { refuseUnmatchedPath } from '../../../http/auth.js'
import { accessOf, findAdminById } from './access.repo.js'
import type { AdminClaims } from './admin-tokens.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The administrator a mis guard accepted, else null. */
    administratorId: bigint | null
  }
}

type GuardDeps = Pick<Deps, 'db' | 'adminTokens'>

/** Statuses of `mis_administrator` and `mis_administrator_group`. */
export const ADMIN_STATUS = { disabled: 0, enabled: 1 } as const

/** Adds `request.administratorId` to the admin API's scope. */
export function registerMisAuth(app: FastifyInstance) {
  app.decorateRequest('administratorId', null)
}

/** The administrator token in `Authorization: Bearer`, or null (none, invalid, app or mp token). */
export function adminClaimsOf(deps: GuardDeps, request: FastifyRequest): AdminClaims | null {
  const header = request.headers.authorization
  const [scheme = '', token = ''] = (header ?? '').trim().split(/\s+/, 2)
  if (scheme.toLowerCase() !== 'bearer' || !token) return null
  return deps.adminTokens.verify(token)
}

// A valid app or mp token is someone known to Headline, but not an administrator.
function refuseOtherTokens(request: FastifyRequest, unauthorized: string): never {
  if (request.caller.claims) throw new AppError(403, 'Permission denied.')
  throw new AppError(401, unauthorized)
}

// Why an administrator may not use API `code` (the original's texts), or null when they may.
async function permissionFault(
  deps: GuardDeps,
  administratorId: bigint,
  code: string,
): Promise<string | null> {
  const access = await accessOf(deps.db.write, administratorId, code)
  if (!access) return 'Administrator does not exist.'
  if (access.status !== ADMIN_STATUS.enabled) return 'Administrator status disable.'
  if (access.groupStatus !== ADMIN_STATUS.enabled) return 'Group status disable.'
  return access.allowed ? null : 'Permission denied.'
}

/**
 * The original's `mis_permission_required(code)`, plus the check it skipped: a disabled
 * administrator is refused. Read from the primary on every request, so a change made on any node
 * applies to the next request everywhere. An onRequest hook: a refused caller's body is never read.
 */
export function misPermission(deps: GuardDeps, code: string): onRequestAsyncHookHandler {
  return async (request) => {
    refuseUnmatchedPath(request)
    const claims = adminClaimsOf(deps, request)
    if (!claims) refuseOtherTokens(request, 'Administrator must be authorized.')
    if (claims.refresh) throw new AppError(403, 'Do not use refresh token.')
    const fault = await permissionFault(deps, claims.administratorId, code)
    if (fault) throw new AppError(403, fault)
    request.administratorId = claims.administratorId
  }
}

/** Whether the request carries the access token of an enabled administrator allowed API `code`. */
export async function isAdminAllowed(
  deps: GuardDeps,
  request: FastifyRequest,
  code: string,
): Promise<boolean> {
  const claims = adminClaimsOf(deps, request)
  if (!claims || claims.refresh) return false
  return (await permissionFault(deps, claims.administratorId, code)) === null
}

/** The original's `mis_login_required` (an enabled administrator, any permission). */
export function misLogin(deps: GuardDeps): onRequestAsyncHookHandler {
  return async (request) => {
    const claims = adminClaimsOf(deps, request)
    if (!claims) refuseOtherTokens(request, 'User must be authorized.')
    if (claims.refresh) throw new AppError(403, 'Do not use refresh token.')
    const admin = await findAdminById(deps.db.write, claims.administratorId)
    if (!admin) throw new AppError(403, 'Administrator does not exist.')
    if (admin.status !== ADMIN_STATUS.enabled)
      throw new AppError(403, 'Administrator status disable.')
    request.administratorId = claims.administratorId
  }
}

/** The administrator on a guarded route. */
export function adminIdOf(request: FastifyRequest): bigint {
  if (request.administratorId === null) throw new AppError(401, 'Administrator must be authorized.')
  return request.administratorId
}
