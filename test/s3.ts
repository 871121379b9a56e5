import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import S3rver from 's3rver'

/** An S3-protocol server on a free local port with one bucket, for storage tests. */
export interface TestS3 {
  /** `STORAGE_URL` for the bucket (s3rver's fixed credentials in the URL). */
  storageUrl: string
  /** The bucket's public base URL (`<endpoint>/<bucket>/`). */
  publicUrl: string
  close(): Promise<void>
}

/** Starts s3rver in process with a fresh data directory; `close` stops it and removes the data. */
export async function startTestS3(bucket = 'headline-test'): Promise<TestS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-s3-'))
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  })
  const { port } = await server.run()
  const endpoint = `http://127.0.0.1:${port}`
  return {
    storageUrl: `s3://S3RVER:S3RVER@${bucket}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1`,
    publicUrl: `${endpoint}/${bucket}/`,
    async close() {
      await server.close()
      fs.rmSync(directory, { recursive: true, force: true })
    },
  }
}
