import { randomInt } from 'node:crypto'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { isUniqueViolation } from '../../infra/db/errors.js'
import type { SmsScope } from '../../infra/store/sms-codes.js'
import { createUser, findUserByMobile, touchLastLogin } from '../users/users.repo.js'
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS, type TokenClaims } from './tokens.js'
import { USER_STATUS, isUserEnabled } from './user-status.js'
import { assertLoginAllowed, countLoginFailure } from './login-limits.js'

const SMS_CODE_SECONDS = 300

/** Generates, stores and sends a six-digit login code. */
export async function sendLoginCode(
  deps: Pick<Deps, 'smsCodes' | 'sms' | 'log'>,
  scope: SmsScope,
  mobile: string,
): Promise<void> {
  const code = randomInt(0, 1_000_000).toString().padStart(6, '0')
  await unavailableOnFailure(deps, deps.smsCodes.save(scope, mobile, code, SMS_CODE_SECONDS))
  await deps.sms.sendLoginCode(mobile, code)
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
  let user = await findUserByMobile(deps.db.write, mobile)
  if (!user) {
    try {
      await createUser(deps.db.write, deps.ids.nextId(), mobile)
    } catch (error) {
      // Two first logins of one mobile at once: the other request created the user.
      if (!isUniqueViolation(error)) throw error
    }
    user = await findUserByMobile(deps.db.write, mobile)
    if (!user) throw new Error(`user ${mobile} vanished after creation`)
  } else {
    if (user.status !== USER_STATUS.enabled) throw new AppError(403, 'Invalid user.')
    await touchLastLogin(deps.db.write, user.id)
  }
  return issueTokens(deps, user.id)
}

/** A new access token from a refresh token of an enabled user. */
export async function refresh(deps: Deps, claims: TokenClaims | null) {
  if (!claims?.refresh) throw new AppError(403, 'Wrong refresh token.')
  if (!(await isUserEnabled(deps, claims.userId))) throw new AppError(403, 'User denied.')
  return { token: await deps.tokens.sign({ ...claims, refresh: false }, ACCESS_TOKEN_SECONDS) }
}

// The code store (Redis in production) being down is not the user's mistake: say so, not 500.
async function unavailableOnFailure<T>(deps: Pick<Deps, 'log'>, operation: Promise<T>) {
  try {
    return await operation
  } catch (error) {
    if (error instanceof AppError) throw error
    deps.log.error({ err: error }, 'SMS code store failed')
    throw new AppError(503, 'Login is unavailable right now, please try again later.')
  }
}
