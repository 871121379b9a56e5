import { createHash } from 'node:crypto'
import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { StorageError } from '../../infra/storage/file-storage.js'
import { sniffImage } from '../../infra/storage/images.js'
import { listMaterials, saveMaterial } from './materials.repo.js'

/** `POST /user/images`: stores the image, once per content per author; `{id, url}`. */
export async function uploadMaterial(
  deps: Pick<Deps, 'db' | 'storage' | 'log'>,
  userId: bigint,
  data: Buffer,
) {
  const type = await sniffImage(data)
  if (!type) throw new AppError(400, { image: 'Invalid image.' })
  let key: string
  try {
    key = await deps.storage.put(data, type)
  } catch (error) {
    if (!(error instanceof StorageError)) throw error
    deps.log.error({ err: error }, 'material upload failed')
    // The original's text, which names the wrong kind of image.
    throw new AppError(507, 'Uploading profile photo image failed.')
  }
  const hash = createHash('sha256').update(data).digest('hex')
  const id = await saveMaterial(deps.db.write, userId, hash, key)
  return { id, url: deps.storage.url(key) }
}

/** `GET /user/images`: a page of the library (a page past the end answers total 0, as the original). */
export async function materialPage(
  deps: Pick<Deps, 'db' | 'storage'>,
  userId: bigint,
  collectedOnly: boolean,
  page: number,
  perPage: number,
) {
  const { total, rows } = await listMaterials(
    deps.db.write,
    userId,
    collectedOnly,
    (page - 1) * perPage,
    perPage,
  )
  return {
    total_count: rows.length === 0 ? 0 : total,
    page,
    per_page: perPage,
    results: rows.map((row) => ({
      id: row.id,
      url: deps.storage.url(row.key),
      is_collected: row.collected,
    })),
  }
}
