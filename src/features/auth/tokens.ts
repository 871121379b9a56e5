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
  /** `verify` without waiting: the check is synchronous (every request reads its caller). */
  read(token: string): TokenClaims | null
}

export const ACCESS_TOKEN_SECONDS = 2 * 3600
export const REFRESH_TOKEN_SECONDS = 14 * 24 * 3600
// Verified tokens remembered at most (the map is emptied when full).
const KNOWN_TOKENS = 10_000

/**
 * HS256 tokens with the original's payload `{exp, user_id, refresh}`. The payload text is
 * written and read here so that `user_id` stays an exact JSON number above 2^53, as PyJWT wrote it.
 * Signing (rare) uses jose; verifying (every request) uses fast-jwt, which checks the HMAC
 * synchronously, where WebCrypto would queue each check on the thread pool; a token read once is
 * remembered with its claims.
 */
export function createTokenService(secret: string, now: () => number = Date.now): TokenService {
  // A KeyObject made once: jose would otherwise import raw key bytes on every call.
  const key = createSecretKey(Buffer.from(secret, 'utf8'))
  // Expiry is checked below against `now`, so tests can move the clock.
  const checkSignature = createVerifier({
    key: secret,
    algorithms: ['HS256'],
    ignoreExpiration: true,
  })
  const seconds = () => Math.floor(now() / 1000)
  // Tokens whose signature and payload were read, by their text (a client sends the same token
  // for up to two hours); their expiry is still judged on every use.
  const known = new Map<string, { claims: Readonly<TokenClaims>; exp: number }>()
  const read = (token: string): TokenClaims | null => {
    let entry = known.get(token)
    if (!entry) {
      const checked = checkToken(token)
      if (!checked) return null
      if (known.size >= KNOWN_TOKENS) known.clear()
      known.set(token, (entry = checked))
    }
    return entry.exp > seconds() ? entry.claims : null
  }
  const checkToken = (token: string) => {
    try {
      checkSignature(token)
    } catch (error) {
      if (error instanceof TokenError) return null
      throw error
    }
    const payload = safeParse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
    if (payload === null) return null
    const exp = payload['exp']
    if (typeof exp !== 'number') return null
    const id = claimedId(payload['user_id'])
    if (id === null) return null
    const claims: TokenClaims = { userId: id, refresh: payload['refresh'] === true }
    if (payload['verified'] === true) claims.verified = true
    return { claims: Object.freeze(claims), exp }
  }
  return {
    read,
    async sign(claims, lifetimeSeconds) {
      const verified = claims.verified === undefined ? '' : `,"verified":${claims.verified}`
      const payload = `{"exp":${seconds() + lifetimeSeconds},"user_id":${claims.userId},"refresh":${claims.refresh}${verified}}`
      return new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(key)
    },
    verify: async (token) => read(token),
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
