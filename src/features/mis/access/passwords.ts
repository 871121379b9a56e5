import { pbkdf2, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>
const pbkdf2Async = promisify(pbkdf2)

/** The original's account rule (`mis_account`): a letter, then 3–15 word characters. */
export const ACCOUNT_PATTERN = '^[a-zA-Z][A-Za-z0-9_]{3,15}$'
/** The original's password rule (`mis_password`): 8+ letters and digits, at least one of each. */
export const PASSWORD_PATTERN = '^(?=.*[A-Za-z])(?=.*[0-9])[A-Za-z0-9]{8,64}$'

const N = 16384
const R = 8
const P = 1
const KEY_BYTES = 32

/** `scrypt:N:r:p$salt$key` (base64url): 82 characters, fits the original's varchar(93). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scryptAsync(password, salt, KEY_BYTES, { N, r: R, p: P, maxmem: 64 << 20 })
  return `scrypt:${N}:${R}:${P}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/**
 * True when `password` matches `stored`: Headline's scrypt hashes, or the werkzeug
 * `pbkdf2:sha256:<iterations>$salt$hex` hashes an existing deployment of the original holds.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [method = '', salt = '', hash = ''] = stored.split('$')
  const parts = method.split(':')
  if (parts[0] === 'scrypt' && parts.length === 4) {
    const [n, r, p] = parts.slice(1).map(Number) as [number, number, number]
    const expected = Buffer.from(hash, 'base64url')
    if (expected.length === 0 || !(n <= 1 << 20 && r <= 16 && p <= 4)) return false
    const saltBytes = Buffer.from(salt, 'base64url')
    const key = await scryptAsync(password, saltBytes, expected.length, {
      N: n,
      r,
      p,
      maxmem: 256 << 20,
    })
    return timingSafeEqual(key, expected)
  }
  if (parts[0] === 'pbkdf2' && parts.length === 3 && /^[0-9a-f]+$/.test(hash)) {
    const iterations = Number(parts[2])
    const expected = Buffer.from(hash, 'hex')
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) return false
    const key = await pbkdf2Async(password, salt, iterations, expected.length, parts[1] ?? 'sha256')
    return timingSafeEqual(key, expected)
  }
  return false
}

/** True when a stored hash should be replaced by a fresh scrypt hash after a successful login. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(`scrypt:${N}:${R}:${P}$`)
}

// Verified against when the account does not exist, so that both answers take as long.
let dummyHash: Promise<string> | undefined
/** Spends the time of one verification without a stored hash. */
export async function verifyNothing(password: string): Promise<void> {
  dummyHash ??= hashPassword('dummy-password-0')
  await verifyPassword(password, await dummyHash)
}
