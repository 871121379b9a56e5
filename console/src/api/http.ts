import { isSafeNumber, parse } from 'lossless-json'
import { replaceToken, session, signOut } from '../session'

/** An API answer that was not a success; `message` is the server's text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const BASE = '/mis/v1_0'

/** Parses JSON keeping 64-bit ids exact: integers beyond 2^53 become decimal strings. */
export function parseJson(text: string): unknown {
  return parse(text, null, (value) => (isSafeNumber(value) ? Number(value) : value))
}

function messageOf(body: unknown, status: number): string {
  const message = (body as { message?: unknown } | null)?.message
  if (typeof message === 'string') return message
  if (message && typeof message === 'object') {
    return Object.entries(message as Record<string, unknown>)
      .map(([field, text]) => `${field}: ${String(text)}`)
      .join('；')
  }
  return `请求失败（HTTP ${status}）`
}

type Query = Record<string, string | number | undefined | null>

interface Options {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  query?: Query
  body?: unknown
  /** Send the refresh token instead of the access token. */
  refresh?: boolean
}

async function send(path: string, options: Options): Promise<Response> {
  const url = new URL(BASE + path, location.origin)
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== null && value !== '')
      url.searchParams.set(key, String(value))
  }
  const headers: Record<string, string> = { accept: 'application/json' }
  const token = options.refresh ? session.current?.refreshToken : session.current?.token
  if (token) headers['authorization'] = `Bearer ${token}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  return fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
}

async function read(response: Response): Promise<unknown> {
  const text = await response.text()
  if (!text) return null
  try {
    return parseJson(text)
  } catch {
    return { message: text.slice(0, 200) }
  }
}

let refreshing: Promise<boolean> | null = null

/** Trades the refresh token for a new access token once, however many requests ask at a time. */
function refreshToken(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const response = await send('/authorizations', { method: 'PUT', refresh: true })
      const body = (await read(response)) as { data?: { token?: string } } | null
      if (!response.ok || !body?.data?.token) return false
      replaceToken(body.data.token)
      return true
    } catch {
      return false
    } finally {
      refreshing = null
    }
  })()
  return refreshing
}

/** Calls `/mis/v1_0<path>`; answers `data` or throws ApiError with the server's message. */
export async function api<T>(path: string, options: Options = {}): Promise<T> {
  let response = await send(path, options)
  if (response.status === 401 && session.current && !options.refresh) {
    if (await refreshToken()) response = await send(path, options)
    else {
      signOut()
      throw new ApiError(401, '登录已过期，请重新登录')
    }
  }
  const body = await read(response)
  if (!response.ok) throw new ApiError(response.status, messageOf(body, response.status))
  return ((body as { data?: T } | null)?.data ?? null) as T
}

/**
 * A URL an `<img>` can show for `url`. Private images (ID cards) are served only with the
 * administrator's token, which an `<img>` cannot send: they are fetched here and kept as a local
 * object URL (release it with `URL.revokeObjectURL`). Any other URL is returned as it is.
 */
export async function imageUrl(url: string): Promise<string> {
  if (!new URL(url, location.origin).pathname.startsWith('/uploads/private/')) return url
  const token = session.current?.token
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  if (!response.ok) throw new ApiError(response.status, `图片无法读取（HTTP ${response.status}）`)
  return URL.createObjectURL(await response.blob())
}
