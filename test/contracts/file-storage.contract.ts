import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StorageError, type FileStorage } from '../../src/infra/storage/file-storage.js'
import { png } from '../images.js'

/** A storage under test, how to read a key back as readers do, and how to release it. */
export interface FileStorageHarness {
  storage: FileStorage
  /** The bytes and content type a reader gets for a stored key. */
  read(key: string): Promise<{ data: Buffer; contentType: string | null }>
  /** The same storage with its backend gone (a failing disk or bucket). */
  broken(): Promise<FileStorage>
  close(): Promise<void>
}

/** The behaviour every FileStorage implementation must show. */
export function fileStorageContract(name: string, open: () => Promise<FileStorageHarness>) {
  describe(`FileStorage contract: ${name}`, () => {
    let harness: FileStorageHarness
    let storage: FileStorage
    beforeAll(async () => {
      harness = await open()
      storage = harness.storage
    })
    afterAll(() => harness?.close())

    it('stores bytes under a key derived from them, the same key for the same bytes', async () => {
      const image = png(3, 3)
      const key = await storage.put(image, 'image/png')
      expect(key).toMatch(/^[\w-]{28}\.png$/)
      expect(await storage.put(Buffer.from(image), 'image/png')).toBe(key)
      expect(await storage.put(png(4, 3), 'image/png')).not.toBe(key)
      const read = await harness.read(key)
      expect(read.data.equals(image)).toBe(true)
      expect(read.contentType ?? 'image/png').toBe('image/png')
    })

    it('maps keys to public URLs and back, and no other URL to a key', async () => {
      const key = await storage.put(png(5, 5), 'image/png')
      const url = storage.url(key)
      expect(url).toMatch(/^https?:\/\/.+\.png$/)
      expect(storage.keyOf(url)).toBe(key)
      expect(storage.keyOf('https://elsewhere.example/a.png')).toBeNull()
      expect(storage.keyOf(url.replace(key, '../etc/passwd'))).toBeNull()
      expect(storage.keyOf(url.replace(key, ''))).toBeNull()
    })

    it("holds the original's default avatar", async () => {
      const read = await harness.read('Fkj6tQi3xJwVXi1u2swCElotfdCi')
      expect(read.data.length).toBeGreaterThan(0)
    })

    it('reports a failing backend as a StorageError', async () => {
      const broken = await harness.broken()
      await expect(broken.put(png(6, 6), 'image/png')).rejects.toBeInstanceOf(StorageError)
      broken.close?.()
    })
  })
}
