import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { fileStorageContract } from '../../../test/contracts/file-storage.contract.js'
import { startTestS3 } from '../../../test/s3.js'
import { DEFAULT_AVATAR_KEY } from './file-storage.js'
import { localStorage } from './local-storage.js'
import { defaultPublicUrl, parseS3Url } from './s3-location.js'
import { s3Storage } from './s3-storage.js'

const preset = {
  [DEFAULT_AVATAR_KEY]: fileURLToPath(
    new URL('../../../assets/default-avatar.png', import.meta.url),
  ),
}
const log = pino({ level: 'silent' })

fileStorageContract('local disk', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-files-'))
  const dir = path.join(root, 'uploads')
  return {
    storage: localStorage(dir, 'http://headline.test/', preset),
    read: async (key) => ({ data: fs.readFileSync(path.join(dir, key)), contentType: null }),
    async broken() {
      // Its directory replaced by a file: every write fails.
      const gone = path.join(root, 'gone')
      const storage = localStorage(gone, 'http://headline.test/')
      fs.rmSync(gone, { recursive: true })
      fs.writeFileSync(gone, '')
      return storage
    },
    close: async () => fs.rmSync(root, { recursive: true, force: true }),
  }
})

// A real S3-protocol server (s3rver) started here: requests, signatures and path-style URLs.
fileStorageContract('S3 (s3rver)', async () => {
  const s3 = await startTestS3()
  const location = parseS3Url(s3.storageUrl)
  const storage = await s3Storage({ location, publicUrl: s3.publicUrl, preset, log })
  return {
    storage,
    async read(key) {
      // As a reader's browser does: the public URL, no credentials.
      const response = await fetch(`${s3.publicUrl}${key}`)
      if (!response.ok) throw new Error(`GET ${key}: ${response.status}`)
      return {
        data: Buffer.from(await response.arrayBuffer()),
        contentType: response.headers.get('content-type'),
      }
    },
    broken: () =>
      s3Storage({
        location: { ...location, endpoint: 'http://127.0.0.1:9' },
        publicUrl: s3.publicUrl,
        log,
      }),
    async close() {
      storage.close?.()
      await s3.close()
    },
  }
})

describe('STORAGE_URL', () => {
  it('reads bucket, endpoint, region and credentials; path-style public URL by default', () => {
    const location = parseS3Url(
      's3://AKID:se%2Fcret@media-bucket?endpoint=https://oss-cn-beijing.aliyuncs.com/&region=cn-beijing',
    )
    expect(location).toEqual({
      bucket: 'media-bucket',
      endpoint: 'https://oss-cn-beijing.aliyuncs.com',
      region: 'cn-beijing',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'se/cret' },
    })
    expect(defaultPublicUrl(location)).toBe('https://oss-cn-beijing.aliyuncs.com/media-bucket/')
    const aws = parseS3Url('s3://headline-media?region=eu-west-1')
    expect(aws).toEqual({ bucket: 'headline-media', region: 'eu-west-1' })
    expect(defaultPublicUrl(aws)).toBe('https://headline-media.s3.eu-west-1.amazonaws.com/')
  })

  it('refuses what is not an S3 bucket URL', () => {
    for (const bad of ['http://bucket', 's3://', 's3://UPPER?x=1', 's3://b?endpoint=ftp://x'])
      expect(() => parseS3Url(bad)).toThrow(/STORAGE_URL/)
  })
})
