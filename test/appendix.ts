/** Walks rows of the original's error answers (API contract, Appendix V) under both mounts. */
import type { FastifyInstance, InjectOptions } from 'fastify'
import { expect, it } from 'vitest'
import { exactJson, wire } from './json.js'

type Headers = Record<string, string>

/** One request and the answer the original gives to it. */
export interface Row {
  /** `METHOD /path`; `{name}` is replaced by the id of that name (see `Context.ids`). */
  req: string
  /** Who calls: a registered user, demo user 1, a refresh token, a bad token; none by default. */
  as?: 'user' | 'one' | 'refresh' | 'garbage'
  headers?: Headers
  /** A JSON body (`'{name}'` strings become ids). */
  json?: unknown
  /** A raw body (`{name}` replaced); sent as JSON unless `type` says otherwise. */
  raw?: string
  type?: string
  status: number
  /** The exact `message`; omitted for successes checked by `data`. */
  message?: unknown
  /** Fields the success's `data` holds. */
  data?: Record<string, unknown>
  /** The exact `Allow` header. */
  allow?: string
}

/** Ids and callers the rows refer to, made once the app is up. */
export interface Context {
  app: FastifyInstance
  ids: Record<string, string>
  callers: Record<NonNullable<Row['as']>, Headers>
}

const fill = (text: string, ids: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => ids[name] ?? whole)

function fillJson(value: unknown, ids: Record<string, string>): unknown {
  if (typeof value === 'string') return fill(value, ids)
  if (Array.isArray(value)) return value.map((item) => fillJson(item, ids))
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillJson(v, ids)]))
  }
  return value
}

/** Sends a row's request under `mount`. */
export function sendRow(context: Context, row: Row, mount: string) {
  const [method, path] = row.req.split(' ') as [InjectOptions['method'], string]
  const headers: Headers = { ...(row.as ? context.callers[row.as] : {}), ...row.headers }
  const options: InjectOptions = { method, url: mount + fill(path, context.ids), headers }
  if (row.json !== undefined) options.payload = JSON.stringify(fillJson(row.json, context.ids))
  if (row.raw !== undefined) options.payload = fill(row.raw, context.ids)
  if (options.payload !== undefined) headers['content-type'] = row.type ?? 'application/json'
  else if (row.type) headers['content-type'] = row.type
  return context.app.inject(options)
}

const label = (row: Row) => {
  const body = row.raw ?? (row.json === undefined ? '' : JSON.stringify(row.json))
  return `${row.as ?? 'anonymous'} ${row.req} ${body.slice(0, 60)} ${JSON.stringify(row.headers ?? {})}`
}

/** One test per row and mount: the status, the exact message, data fields, `Allow`. */
export function walkRows(rows: Row[], context: () => Context) {
  for (const mount of ['', '/app']) {
    it.each(rows.map((row) => [label(row), row] as const))(`${mount || '/'} %s`, async (_, row) => {
      const response = await sendRow(context(), row, mount)
      const body = response.body === '' ? '' : exactJson(response.body)
      // `{name}` in data stands for that id, as the reply writes it (an exact number).
      const data = Object.fromEntries(
        Object.entries(row.data ?? {}).map(([key, value]) => {
          const filled = typeof value === 'string' ? fill(value, context().ids) : value
          return [key, value !== filled ? wire(BigInt(filled as string)) : value]
        }),
      )
      expect({ status: response.statusCode, body }).toMatchObject({
        status: row.status,
        ...(row.message !== undefined ? { body: { message: row.message } } : {}),
        ...(row.data !== undefined ? { body: { message: 'OK', data } } : {}),
      })
      if (row.message !== undefined) expect(body).toEqual({ message: row.message })
      if (row.allow !== undefined) expect(response.headers['allow']).toBe(row.allow)
    })
  }
}

/** Callers and ids over a seeded test app. */
export async function appendixContext(
  app: FastifyInstance,
  ids: Record<string, string>,
): Promise<Context> {
  const { login, bearer } = await import('./login.js')
  const user = await login(app, '13700000001')
  const one = await login(app, '13911111111')
  return {
    app,
    ids: { ...ids, me: user.userId.toString(), one: one.userId.toString() },
    callers: {
      user: user.auth,
      one: one.auth,
      refresh: bearer(user.refresh_token),
      garbage: { authorization: 'Bearer garbage' },
    },
  }
}
