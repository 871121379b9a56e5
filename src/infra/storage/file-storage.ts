import { createHash } from 'node:crypto'

/** Where uploaded files go; the database keeps only the returned key (as the original did). */
export interface FileStorage {
  /** Stores `data` and returns its key; the same bytes always get the same key. */
  put(data: Buffer, contentType: string): Promise<string>
  /**
   * Stores a file that only `owner` (and, later, admins) may read, such as an ID-card image, and
   * returns its key (`private/<owner>/…`). It is never served publicly.
   */
  putPrivate(data: Buffer, contentType: string, owner: bigint): Promise<string>
  /** The bytes of a key from `putPrivate`, or null when there is no such file. */
  readPrivate(key: string): Promise<Buffer | null>
  /** The URL of a stored key (private keys are served to their owner only). */
  url(key: string): string
  /** The key behind one of this storage's public URLs, or null for any other URL. */
  keyOf(url: string): string | null
  /** Releases connections (the S3 client's sockets). */
  close?(): void
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/svg+xml': 'svg',
}

/**
 * The key of stored bytes, content-addressed like Qiniu's keys (re-uploading the same image
 * costs nothing): 28 base64url characters of their SHA-256 and the type's extension.
 */
export function contentKey(data: Buffer, contentType: string): string {
  const hash = createHash('sha256').update(data).digest('base64url').slice(0, 28)
  return `${hash}.${EXTENSIONS[contentType] ?? 'bin'}`
}

/** Thrown when the storage backend fails; routes answer 507 as the original did. */
export class StorageError extends Error {}

/** The original's default avatar key (`DEFAULT_USER_PROFILE_PHOTO`), present in every storage. */
export const DEFAULT_AVATAR_KEY = 'Fkj6tQi3xJwVXi1u2swCElotfdCi'

/** The key of `url` when it is `base` followed by a plain key (no path tricks), else null. */
export function keyUnder(base: string, url: string): string | null {
  if (!url.startsWith(base)) return null
  const key = url.slice(base.length)
  return /^[\w.-]{1,100}$/.test(key) && !key.startsWith('.') ? key : null
}

/** The prefix of private keys: `private/<owner id>/<file>`. */
export const PRIVATE_PREFIX = 'private/'

/**
 * Where a reader fetches `key`: a private key through the app's checked `/uploads/private/…` route
 * at `appUrl`, whatever the storage; any other from the storage.
 */
export function readerUrl(storage: FileStorage, appUrl: string, key: string): string {
  return key.startsWith(PRIVATE_PREFIX) ? `${appUrl}uploads/${key}` : storage.url(key)
}

/** The owner id and file name of a private key, or null when `key` is not a well-formed one. */
export function parsePrivateKey(key: string): { owner: bigint; file: string } | null {
  const match = /^private\/([1-9][0-9]{0,18})\/([\w-]{1,64}\.[a-z]{2,4})$/.exec(key)
  return match ? { owner: BigInt(match[1]!), file: match[2]! } : null
}
