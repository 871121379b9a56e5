/** Where uploaded files go; the database keeps only the returned key (as the original did). */
export interface FileStorage {
  /** Stores `data` and returns its key; the same bytes always get the same key. */
  put(data: Buffer, contentType: string): Promise<string>
  /** The public URL of a stored key. */
  url(key: string): string
  /** The key behind one of this storage's public URLs, or null for any other URL. */
  keyOf(url: string): string | null
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
