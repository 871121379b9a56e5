/** Where an S3-compatible bucket is, read from `STORAGE_URL`. */
export interface S3Location {
  bucket: string
  /** Unset: AWS itself (virtual-hosted style). Set: path-style requests to this endpoint. */
  endpoint?: string
  region: string
  /** From the URL's user info; unset: the SDK's usual chain (AWS_ACCESS_KEY_ID, …). */
  credentials?: { accessKeyId: string; secretAccessKey: string }
}

/**
 * `s3://<bucket>?endpoint=<url>&region=<region>`, optionally `s3://<key id>:<secret>@<bucket>…`
 * (URL-encoded). Throws with a readable message on anything else.
 */
export function parseS3Url(raw: string): S3Location {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`STORAGE_URL must be s3://<bucket>?endpoint=…&region=…, got "${raw}"`)
  }
  const bucket = url.hostname
  if (url.protocol !== 's3:' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    throw new Error(`STORAGE_URL must be s3://<bucket>?endpoint=…&region=…, got "${raw}"`)
  const endpoint = url.searchParams.get('endpoint') ?? undefined
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint))
    throw new Error(`STORAGE_URL endpoint must be an http(s) URL, got "${endpoint}"`)
  const location: S3Location = {
    bucket,
    region: url.searchParams.get('region') ?? 'us-east-1',
    ...(endpoint !== undefined && { endpoint: endpoint.replace(/\/+$/, '') }),
  }
  if (url.username) {
    location.credentials = {
      accessKeyId: decodeURIComponent(url.username),
      secretAccessKey: decodeURIComponent(url.password),
    }
  }
  return location
}

/** The bucket's own public base: `<endpoint>/<bucket>/`, or AWS's virtual-hosted address. */
export function defaultPublicUrl(location: S3Location): string {
  return location.endpoint
    ? `${location.endpoint}/${location.bucket}/`
    : `https://${location.bucket}.s3.${location.region}.amazonaws.com/`
}
