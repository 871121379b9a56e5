import { randomUUID } from 'node:crypto'
import fsSync from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import {
  PRIVATE_PREFIX,
  StorageError,
  contentKey,
  keyUnder,
  parsePrivateKey,
  type FileStorage,
} from './file-storage.js'

/**
 * Files on local disk under `dir`, served by the app at `${publicUrl}uploads/<key>`. Private files
 * live under `privateDir`, outside what is served publicly.
 * `preset` files (key → source path) are copied in when missing, e.g. the default avatar.
 */
export function localStorage(
  dir: string,
  publicUrl: string,
  preset: Record<string, string> = {},
  privateDir = path.join(dir, '..', 'private-uploads'),
): FileStorage {
  fsSync.mkdirSync(dir, { recursive: true })
  for (const [key, source] of Object.entries(preset)) {
    const file = path.join(dir, key)
    if (!fsSync.existsSync(file)) fsSync.copyFileSync(source, file)
  }
  return {
    async put(data, contentType) {
      const name = contentKey(data, contentType)
      await writeAtomically(dir, name, data)
      return name
    },
    async putPrivate(data, contentType, owner) {
      const name = contentKey(data, contentType)
      await writeAtomically(path.join(privateDir, String(owner)), name, data)
      return `${PRIVATE_PREFIX}${owner}/${name}`
    },
    async readPrivate(key) {
      const parsed = parsePrivateKey(key)
      if (!parsed) return null
      try {
        return await fs.readFile(path.join(privateDir, String(parsed.owner), parsed.file))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw new StorageError(`local storage read failed: ${String(error)}`)
      }
    },
    url: (key) => `${publicUrl}uploads/${key}`,
    keyOf: (url) => keyUnder(`${publicUrl}uploads/`, url),
  }
}

// Each writer has its own temp file, so concurrent uploads of the same bytes never collide; the
// rename is atomic and they all leave the same content.
async function writeAtomically(dir: string, name: string, data: Buffer): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true })
    const file = path.join(dir, name)
    const temp = `${file}.${process.pid}.${randomUUID()}.tmp`
    await fs.writeFile(temp, data)
    await fs.rename(temp, file)
  } catch (error) {
    throw new StorageError(`local storage write failed: ${String(error)}`)
  }
}
