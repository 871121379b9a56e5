import { randomInt } from 'node:crypto'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { isUniqueViolation } from '../../infra/db/errors.js'
import type { SmsScope } from '../../infra/store/sms-codes.js'
import { createUser, findUserByMobile, touchLastLogin } from '../users/users.repo.js'
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS, type TokenClaims } from './tokens.js'
import { USER_STATUS, isUserEnabled } from './user-status.js'
import { assertLoginAllowed, countLoginFailure } from './login-limits.js'
import { newDisplayName } from './display-names.js'

const SMS_CODE_SECONDS = 300

/** Generates, stores and sends a six-digit login code. */
export async function sendLoginCode(
  deps: Pick<Deps, 'smsCodes' | 'sms' | 'log'>,
  scope: SmsScope,
  mobile: string,
): Promise<void> {
  const code = randomInt(0, 1_000_000).toString().padStart(6, '0')
  await unavailableOnFailure(deps, deps.smsCodes.save(scope, mobile, code, SMS_CODE_SECONDS))
  await unavailableOnFailure(deps, deps.sms.sendLoginCode(mobile, code), 'SMS sending failed')
}

/**
 * Checks a login code for `scope` (`app` or `mp`): 429 while the mobile or the IP address has
 * too many failed logins, else whether the code is right. A wrong code counts against both
 * limits and against the code's own tries, but does not use it up. The configured test code
 * always passes (never in production).
 */
export async function checkLoginCode(
  deps: Pick<Deps, 'smsCodes' | 'rateCounters' | 'config' | 'log'>,
  scope: SmsScope,
  mobile: string,
  code: string,
  ip: string,
): Promise<boolean> {
  await unavailableOnFailure(deps, assertLoginAllowed(deps, scope, mobile, ip))
  const testCode = deps.config.smsTestCode
  if (testCode !== undefined && code === testCode) return true
  if (await unavailableOnFailure(deps, deps.smsCodes.check(scope, mobile, code))) return true
  await unavailableOnFailure(deps, countLoginFailure(deps, scope, mobile, ip))
  return false
}

/** Access + refresh tokens for an app login. */
export async function issueTokens(deps: Pick<Deps, 'tokens'>, userId: bigint) {
  const claims: TokenClaims = { userId, refresh: false }
  return {
    token: await deps.tokens.sign(claims, ACCESS_TOKEN_SECONDS),
    refresh_token: await deps.tokens.sign({ ...claims, refresh: true }, REFRESH_TOKEN_SECONDS),
  }
}

/** SMS login: checks the code, creates the user on first login, refuses disabled users. */
export async function login(deps: Deps, mobile: string, code: string, ip: string) {
  if (!(await checkLoginCode(deps, 'app', mobile, code, ip)))
    throw new AppError(400, 'Invalid code.')
  const existing = await findUserByMobile(deps.db.write, mobile)
  if (!existing) return issueTokens(deps, (await register(deps, mobile)).id)
  if (existing.status !== USER_STATUS.enabled) throw new AppError(403, 'Invalid user.')
  await touchLastLogin(deps.db.write, existing.id)
  return issueTokens(deps, existing.id)
}

// A unique violation is either a concurrent first login of the mobile (the user now exists) or,
// rarely, a generated name that is taken (try another).
async function register(deps: Pick<Deps, 'db' | 'ids'>, mobile: string) {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await createUser(deps.db.write, deps.ids.nextId(), mobile, newDisplayName())
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
    }
    const user = await findUserByMobile(deps.db.write, mobile)
    if (user) return user
  }
  throw new Error(`could not register ${mobile}: every generated name was taken`)
}

/** A new access token from a refresh token of an enabled user. */
export async function refresh(deps: Deps, claims: TokenClaims | null) {
  if (!claims?.refresh) throw new AppError(403, 'Wrong refresh token.')
  if (!(await isUserEnabled(deps, claims.userId))) throw new AppError(403, 'User denied.')
  return { token: await deps.tokens.sign({ ...claims, refresh: false }, ACCESS_TOKEN_SECONDS) }
}

// The code store (Redis in production) or the SMS provider failing is not the user's mistake:
// say so, not 500.
async function unavailableOnFailure<T>(
  deps: Pick<Deps, 'log'>,
  operation: Promise<T>,
  what = 'SMS code store failed',
) {
  try {
    return await operation
  } catch (error) {
    if (error instanceof AppError) throw error
    deps.log.error({ err: error }, what)
    throw new AppError(503, 'Login is unavailable right now, please try again later.')
  }
}
