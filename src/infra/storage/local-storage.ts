import fsSync from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { StorageError, contentKey, keyUnder, type FileStorage } from './file-storage.js'

/**
 * Files on local disk under `dir`, served by the app at `${publicUrl}uploads/<key>`.
 * `preset` files (key → source path) are copied in when missing, e.g. the default avatar.
 */
export function localStorage(
  dir: string,
  publicUrl: string,
  preset: Record<string, string> = {},
): FileStorage {
  fsSync.mkdirSync(dir, { recursive: true })
  for (const [key, source] of Object.entries(preset)) {
    const file = path.join(dir, key)
    if (!fsSync.existsSync(file)) fsSync.copyFileSync(source, file)
  }
  return {
    async put(data, contentType) {
      const key = contentKey(data, contentType)
      try {
        await fs.mkdir(dir, { recursive: true })
        const file = path.join(dir, key)
        const temp = `${file}.${process.pid}.tmp`
        await fs.writeFile(temp, data)
        await fs.rename(temp, file)
      } catch (error) {
        throw new StorageError(`local storage write failed: ${String(error)}`)
      }
      return key
    },
    url: (key) => `${publicUrl}uploads/${key}`,
    keyOf: (url) => keyUnder(`${publicUrl}uploads/`, url),
  }
}
