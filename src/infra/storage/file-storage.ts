/** Where uploaded files go; the database keeps only the returned key (as the original did). */
export interface FileStorage {
  /** Stores `data` and returns its key; the same bytes always get the same key. */
  put(data: Buffer, contentType: string): Promise<string>
  /** The public URL of a stored key. */
  url(key: string): string
}

/** Thrown when the storage backend fails; routes answer 507 as the original did. */
export class StorageError extends Error {}

/** The original's default avatar key (`DEFAULT_USER_PROFILE_PHOTO`), present in every storage. */
export const DEFAULT_AVATAR_KEY = 'Fkj6tQi3xJwVXi1u2swCElotfdCi'
