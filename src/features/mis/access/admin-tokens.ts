import { createSecretKey } from 'node:crypto'
import { TokenError, createVerifier } from 'fast-jwt'
import { CompactSign } from 'jose'

/** What an administrator's token says: the original's `{administrator_id, refresh, exp}`. */
export interface AdminClaims {
  administratorId: bigint
  refresh: boolean
}

/** Signs and verifies administrator tokens (same secret as the app's, different claim). */
export interface AdminTokenService {
  sign(claims: AdminClaims, lifetimeSeconds: number): Promise<string>
  /** The claims of a valid, unexpired administrator token, or null (app and mp tokens too). */
  verify(token: string): AdminClaims | null
}

/** HS256 tokens whose payload carries `administrator_id` instead of `user_id`. */
export function createAdminTokenService(
  secret: string,
  now: () => number = Date.now,
): AdminTokenService {
  const key = createSecretKey(Buffer.from(secret, 'utf8'))
  // Expiry is checked below against `now`, so tests can move the clock.
  const check = createVerifier({
    key: secret,
    algorithms: ['HS256'],
    ignoreExpiration: true,
    cache: 1000,
  })
  const seconds = () => Math.floor(now() / 1000)
  return {
    async sign(claims, lifetimeSeconds) {
      const payload = `{"exp":${seconds() + lifetimeSeconds},"administrator_id":${claims.administratorId},"refresh":${claims.refresh}}`
      return new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(key)
    },
    verify(token) {
      let payload: Record<string, unknown>
      try {
        payload = check(token) as Record<string, unknown>
      } catch (error) {
        if (error instanceof TokenError) return null
        throw error
      }
      const exp = payload['exp']
      const id = payload['administrator_id']
      if (typeof exp !== 'number' || exp <= seconds()) return null
      if (payload['user_id'] !== undefined) return null
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return null
      return { administratorId: BigInt(id), refresh: payload['refresh'] === true }
    },
  }
}
