/** Tencent Cloud SMS settings read from `SMS_URL`. */
export interface TencentSmsSettings {
  readonly provider: 'tencentcloud'
  readonly secretId: string
  readonly secretKey: string
  /** API host (and port), `sms.tencentcloudapi.com` in production. */
  readonly endpoint: string
  /** `https://`; `http://` only when the URL asks for it (a local stand-in for the provider). */
  readonly protocol: 'https://' | 'http://'
  readonly region: string
  readonly sdkAppId: string
  readonly signName: string
  readonly templateId: string
}

/**
 * Parses `tencentcloud://SecretId:SecretKey@sms.tencentcloudapi.com?sdkAppId=…&signName=…&templateId=…&region=…`
 * (`&protocol=http` for a local endpoint). Adds a problem (never quoting the secret) and returns
 * undefined when it is not usable.
 */
export function parseSmsUrl(raw: string, problems: string[]): TencentSmsSettings | undefined {
  const shape =
    'SMS_URL must look like tencentcloud://SecretId:SecretKey@sms.tencentcloudapi.com?sdkAppId=…&signName=…&templateId=…&region=…'
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    problems.push(shape)
    return undefined
  }
  const query = (name: string) => url.searchParams.get(name)?.trim() ?? ''
  const missing = ['sdkAppId', 'signName', 'templateId', 'region'].filter((name) => !query(name))
  const protocol = query('protocol') || 'https'
  if (
    url.protocol !== 'tencentcloud:' ||
    !url.username ||
    !url.password ||
    !url.host ||
    missing.length > 0 ||
    !['http', 'https'].includes(protocol)
  ) {
    problems.push(missing.length > 0 ? `${shape} (missing ${missing.join(', ')})` : shape)
    return undefined
  }
  return {
    provider: 'tencentcloud',
    secretId: decodeURIComponent(url.username),
    secretKey: decodeURIComponent(url.password),
    endpoint: url.host,
    protocol: `${protocol}://` as TencentSmsSettings['protocol'],
    region: query('region'),
    sdkAppId: query('sdkAppId'),
    signName: query('signName'),
    templateId: query('templateId'),
  }
}
