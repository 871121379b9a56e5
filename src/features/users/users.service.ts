import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { isUniqueViolation } from '../../infra/db/errors.js'
import { sniffImage } from '../../infra/storage/images.js'
import { DEFAULT_AVATAR_KEY, StorageError, readerUrl } from '../../infra/storage/file-storage.js'
import { COUNTERS } from '../../infra/store/counters.js'
import {
  PROFILE_COUNTERS,
  cachedAdditionalProfile,
  cachedProfileCounts,
  cachedUser,
  forgetUser,
} from './users.cache.js'
import { RELATION } from '../social/relations.repo.js'
import { relationTo } from '../social/relations.cache.js'
import {
  isNameTaken,
  updateUser,
  type BasicChanges,
  type ProfileChanges,
  type UserRecord,
} from './users.repo.js'

/** Image fields a user can upload, and the field's label in the 507 message. */
export const IMAGE_FIELDS = {
  photo: 'profile photo',
  id_card_front: 'id_card_front',
  id_card_back: 'id_card_back',
  id_card_handheld: 'id_card_handheld',
} as const
export type ImageField = keyof typeof IMAGE_FIELDS

/** The photo URL of a user record (default avatar when none). */
export function photoUrl(deps: Pick<Deps, 'storage'>, user: Pick<UserRecord, 'photo'>): string {
  return deps.storage.url(user.photo || DEFAULT_AVATAR_KEY)
}

/**
 * What a `GET /user` or `/users/:id` answer is made of: the cached record, its four counts and
 * the viewer's relation (none for `/user`). `variant` names the counts and relation, so an
 * answer written for one record can be reused while neither changed.
 */
export interface ProfileParts {
  readonly user: UserRecord
  readonly counts: readonly number[]
  readonly relation: number | null
  readonly variant: string
}

// Held counts; while the counter store fails, what it answers then (zeros), not held.
async function profileCounts(deps: Deps, id: bigint): Promise<readonly number[]> {
  try {
    const counts = await cachedProfileCounts(deps, id)
    if (counts) return counts
  } catch (error) {
    deps.log.warn({ err: error }, 'profile counts not read; degraded')
  }
  return deps.counters.getEach(PROFILE_COUNTERS, id)
}

async function profileParts(
  deps: Deps,
  user: UserRecord,
  relation: number | null,
): Promise<ProfileParts> {
  const counts = await profileCounts(deps, user.id)
  const variant = `${counts[0]},${counts[1]},${counts[2]},${counts[3]},${relation}`
  return { user, counts, relation, variant }
}

/** The answer of `GET /user` (no relation) or `/users/:id` (with the viewer's relation). */
export function profileAnswer(deps: Pick<Deps, 'storage'>, parts: ProfileParts) {
  const { user, counts, relation } = parts
  const [art_count = 0, follow_count = 0, fans_count = 0, like_count = 0] = counts
  const profile = {
    id: user.id,
    name: user.name,
    photo: photoUrl(deps, user),
    is_media: user.is_media,
    intro: user.intro,
    certi: user.certi,
    art_count,
    follow_count,
    fans_count,
    like_count,
  }
  if (relation === null) return profile
  return {
    ...profile,
    is_following: relation === RELATION.follow,
    is_blacklist: relation === RELATION.blacklist,
  }
}

/** The signed-in user's cached record; 401 when the user is gone. */
export async function requireUser(deps: Deps, id: bigint): Promise<UserRecord> {
  const user = await cachedUser(deps, id)
  if (!user) throw new AppError(401, 'User must be authorized.')
  return user
}

/** The signed-in user's profile and counts. */
export async function getCurrentUser(deps: Deps, userId: bigint): Promise<ProfileParts> {
  return profileParts(deps, await requireUser(deps, userId), null)
}

/** Another user's profile and counts, with the viewer's relation to them. */
export async function getUser(
  deps: Deps,
  targetId: bigint | null,
  viewerId: bigint | null,
): Promise<ProfileParts> {
  const user = targetId === null ? null : await cachedUser(deps, targetId)
  if (!user) throw new AppError(400, 'Invalid target user.')
  const relation = viewerId === null ? RELATION.none : await relationTo(deps, viewerId, user.id)
  return profileParts(deps, user, relation)
}

export async function getProfile(deps: Deps, userId: bigint) {
  const user = await requireUser(deps, userId)
  const extra = (await cachedAdditionalProfile(deps, userId)) ?? { gender: 0, birthday: '' }
  return {
    id: user.id,
    name: user.name,
    photo: photoUrl(deps, user),
    mobile: user.mobile,
    gender: extra.gender,
    birthday: extra.birthday,
    intro: user.intro,
  }
}

export async function getFigure(deps: Deps, userId: bigint) {
  const [fans_count, read_count] = await Promise.all([
    deps.counters.get(COUNTERS.userFollowers, userId),
    deps.counters.get(COUNTERS.userArticlesReading, userId),
  ])
  return { fans_count, read_count }
}

export interface ProfilePatch {
  name?: string
  intro?: string
  email?: string
  gender?: number
  birthday?: string
  real_name?: string
  id_number?: string
  images: Partial<Record<ImageField, Buffer>>
}

/** Applies a profile change; answers `{id, <changed field>: <new value>}` as the original. */
export async function updateProfile(deps: Deps, userId: bigint, patch: ProfilePatch) {
  const basic: BasicChanges = {}
  const profile: ProfileChanges = {}
  const result: Record<string, unknown> = { id: userId }
  if (patch.name !== undefined) {
    if (await isNameTaken(deps.db.write, patch.name, userId)) {
      throw new AppError(409, 'User name has existed.')
    }
    basic.user_name = result['name'] = patch.name
  }
  if (patch.intro !== undefined) basic.introduction = result['intro'] = patch.intro
  if (patch.email !== undefined) basic.email = result['email'] = patch.email
  if (patch.gender !== undefined) profile.gender = result['gender'] = patch.gender
  if (patch.birthday !== undefined) profile.birthday = result['birthday'] = patch.birthday
  if (patch.real_name !== undefined) profile.real_name = result['real_name'] = patch.real_name
  if (patch.id_number !== undefined) {
    profile.id_number = result['id_number'] = patch.id_number.toUpperCase()
  }
  // Images are stored first: a failed upload changes nothing in the database.
  for (const field of Object.keys(IMAGE_FIELDS) as ImageField[]) {
    const data = patch.images[field]
    if (!data) continue
    const key = await storeImage(deps, userId, field, data)
    if (field === 'photo') basic.profile_photo = key
    else profile[field] = key
    result[field] = readerUrl(deps.storage, deps.config.publicUrl, key)
  }
  try {
    await updateUser(deps.db.write, userId, basic, profile)
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError(409, 'User name has existed.')
    throw error
  }
  await forgetUser(deps, userId)
  return result
}

async function storeImage(
  deps: Deps,
  userId: bigint,
  field: ImageField,
  data: Buffer,
): Promise<string> {
  const type = await sniffImage(data)
  if (!type) throw new AppError(400, { [field]: 'Invalid image.' })
  try {
    // ID-card images are personal documents: private to their owner, never public.
    if (field !== 'photo') return await deps.storage.putPrivate(data, type, userId)
    return await deps.storage.put(data, type)
  } catch (error) {
    if (!(error instanceof StorageError)) throw error
    deps.log.error({ err: error }, 'image upload failed')
    throw new AppError(507, `Uploading ${IMAGE_FIELDS[field]} image failed.`)
  }
}
