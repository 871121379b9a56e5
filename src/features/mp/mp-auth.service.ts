import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import type { CaptchaAnswer } from '../../infra/captcha/captcha.js'
import { checkLoginCode } from '../auth/auth.service.js'
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS, type TokenClaims } from '../auth/tokens.js'
import { isUserEnabled } from '../auth/user-status.js'
import { photoUrl, userByMobile } from '../users/index.js'

/** 400 `Captcha expired.` or 403 `Captcha validate failed.` unless the answer passes. */
export async function checkCaptcha(
  deps: Pick<Deps, 'captcha'>,
  mobile: string,
  answer: CaptchaAnswer,
): Promise<void> {
  const verdict = await deps.captcha.verify(mobile, answer)
  if (verdict === 'expired') throw new AppError(400, 'Captcha expired.')
  if (verdict === 'failed') throw new AppError(403, 'Captcha validate failed.')
}

/**
 * mp login: the code sent for mp, then an existing, enabled user (mp never creates users). Every
 * user is treated as verified, as the reference deployment did; tokens carry `verified: true` and
 * have the usual lifetimes for everyone (the original gave user 1 a 52-week token).
 */
export async function mpLogin(deps: Deps, mobile: string, code: string, ip: string) {
  if (!(await checkLoginCode(deps, 'mp', mobile, code, ip)))
    throw new AppError(400, 'Invalid code.')
  const user = await userByMobile(deps, mobile)
  if (!user) throw new AppError(403, 'Please verify your real information in app.')
  if (!(await isUserEnabled(deps, user.id))) throw new AppError(403, 'User denied.')
  const claims: TokenClaims = { userId: user.id, refresh: false, verified: true }
  return {
    token: await deps.tokens.sign(claims, ACCESS_TOKEN_SECONDS),
    refresh_token: await deps.tokens.sign({ ...claims, refresh: true }, REFRESH_TOKEN_SECONDS),
    id: user.id,
    name: user.name,
    photo: photoUrl(deps, user),
  }
}

/** A new mp access token from an mp refresh token of an enabled user. */
export async function mpRefresh(deps: Deps, claims: TokenClaims | null) {
  if (!claims?.refresh || !claims.verified) throw new AppError(403, 'Wrong refresh token.')
  if (!(await isUserEnabled(deps, claims.userId))) throw new AppError(403, 'User denied.')
  const access: TokenClaims = { userId: claims.userId, refresh: false, verified: true }
  return { token: await deps.tokens.sign(access, ACCESS_TOKEN_SECONDS) }
}
