import fs from 'node:fs/promises'
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3'
import type { Logger } from 'pino'
import {
  PRIVATE_PREFIX,
  StorageError,
  contentKey,
  keyUnder,
  parsePrivateKey,
  type FileStorage,
} from './file-storage.js'
import type { S3Location } from './s3-location.js'

export interface S3StorageOptions {
  location: S3Location
  /** Base URL readers fetch keys from (a CDN, or the bucket's public address); ends with '/'. */
  publicUrl: string
  /** Files every deployment has (key → local path), uploaded when the bucket lacks them. */
  preset?: Record<string, string>
  log: Pick<Logger, 'warn'>
  /** Per request; S3 calls never hang a request for longer. */
  timeoutMs?: number
}

/**
 * Files in an S3-compatible bucket (AWS S3, Alibaba OSS, Qiniu Kodo's S3 API, MinIO), keyed by
 * their content like the local disk. Objects are written with their content type and a
 * year-long immutable cache header (a key never changes its bytes); reading is left to the
 * bucket's public URL or a CDN in front of it.
 */
export async function s3Storage(options: S3StorageOptions): Promise<FileStorage> {
  const { location, publicUrl } = options
  const config: S3ClientConfig = {
    region: location.region,
    maxAttempts: 2,
    requestHandler: { requestTimeout: options.timeoutMs ?? 10_000 },
    ...(location.endpoint && { endpoint: location.endpoint, forcePathStyle: true }),
    ...(location.credentials && { credentials: location.credentials }),
  }
  const client = new S3Client(config)
  const put = async (key: string, data: Buffer, contentType: string, isPrivate = false) => {
    await client.send(
      new PutObjectCommand({
        Bucket: location.bucket,
        Key: key,
        Body: data,
        ContentType: contentType,
        // Private objects (ID cards) are read through the app only, never from the bucket's URL.
        ...(isPrivate
          ? { ACL: 'private', CacheControl: 'private, no-store' }
          : { CacheControl: 'public, max-age=31536000, immutable' }),
      }),
    )
  }
  for (const [key, source] of Object.entries(options.preset ?? {})) {
    try {
      await client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: key }))
    } catch (error) {
      if (!(error instanceof NotFound)) {
        options.log.warn({ err: error, key }, 'storage preset not checked; bucket unreachable?')
        continue
      }
      await put(key, await fs.readFile(source), 'image/png').catch((putError: unknown) =>
        options.log.warn({ err: putError, key }, 'storage preset not uploaded'),
      )
    }
  }
  return {
    async put(data, contentType) {
      const key = contentKey(data, contentType)
      try {
        await put(key, data, contentType)
      } catch (error) {
        throw new StorageError(`S3 write failed: ${String(error)}`)
      }
      return key
    },
    async putPrivate(data, contentType, owner) {
      const key = `${PRIVATE_PREFIX}${owner}/${contentKey(data, contentType)}`
      try {
        await put(key, data, contentType, true)
      } catch (error) {
        throw new StorageError(`S3 write failed: ${String(error)}`)
      }
      return key
    },
    async readPrivate(key) {
      if (!parsePrivateKey(key)) return null
      try {
        const object = await client.send(
          new GetObjectCommand({ Bucket: location.bucket, Key: key }),
        )
        return object.Body ? Buffer.from(await object.Body.transformToByteArray()) : null
      } catch (error) {
        if (error instanceof NoSuchKey) return null
        throw new StorageError(`S3 read failed: ${String(error)}`)
      }
    },
    url: (key) => `${publicUrl}${key}`,
    keyOf: (url) => keyUnder(publicUrl, url),
    close: () => client.destroy(),
  }
}
