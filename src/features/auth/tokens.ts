import { createSecretKey } from 'node:crypto'
import { TokenError, createVerifier } from 'fast-jwt'
import { CompactSign } from 'jose'
import { parseJson } from '../../http/json.js'

/** What Headline reads from a token; the claims keep the original's names. */
export interface TokenClaims {
  userId: bigint
  refresh: boolean
  /** mp tokens carry `verified: true`; app tokens do not. */
  verified?: boolean
}

export interface TokenService {
  sign(claims: TokenClaims, lifetimeSeconds: number): Promise<string>
  /** The claims of a valid, unexpired token, or null. */
  verify(token: string): Promise<TokenClaims | null>
}

export const ACCESS_TOKEN_SECONDS = 2 * 3600
export const REFRESH_TOKEN_SECONDS = 14 * 24 * 3600

/**
 * HS256 tokens with the original's payload `{exp, user_id, refresh}`. The payload text is
 * written and read here so that `user_id` stays an exact JSON number above 2^53, as PyJWT wrote it.
 * Signing (rare) uses jose; verifying (every request) uses fast-jwt, which checks the HMAC
 * synchronously and remembers verified tokens, where WebCrypto would queue each check on the
 * thread pool.
 */
export function createTokenService(secret: string, now: () => number = Date.now): TokenService {
  // A KeyObject made once: jose would otherwise import raw key bytes on every call.
  const key = createSecretKey(Buffer.from(secret, 'utf8'))
  // Expiry is checked below against `now`, so tests can move the clock.
  const checkSignature = createVerifier({
    key: secret,
    algorithms: ['HS256'],
    ignoreExpiration: true,
    cache: 10_000,
  })
  const seconds = () => Math.floor(now() / 1000)
  return {
    async sign(claims, lifetimeSeconds) {
      const verified = claims.verified === undefined ? '' : `,"verified":${claims.verified}`
      const payload = `{"exp":${seconds() + lifetimeSeconds},"user_id":${claims.userId},"refresh":${claims.refresh}${verified}}`
      return new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(key)
    },
    async verify(token) {
      try {
        checkSignature(token)
      } catch (error) {
        if (error instanceof TokenError) return null
        throw error
      }
      const payload = safeParse(
        Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
      )
      if (payload === null) return null
      const exp = payload['exp']
      if (typeof exp !== 'number' || exp <= seconds()) return null
      const id = claimedId(payload['user_id'])
      if (id === null) return null
      const claims: TokenClaims = { userId: id, refresh: payload['refresh'] === true }
      if (payload['verified'] === true) claims.verified = true
      return claims
    },
  }
}

// parseJson leaves integers above 2^53 as their exact decimal digits.
function claimedId(value: unknown): bigint | null {
  if (typeof value === 'string' && /^[1-9]\d{0,18}$/.test(value)) return BigInt(value)
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return BigInt(value)
  return null
}

function safeParse(text: string): Record<string, unknown> | null {
  try {
    const value = parseJson(text)
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}
