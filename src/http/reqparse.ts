import { Type, type TSchema } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import { AppError, BAD_REQUEST, UNREADABLE_BODY } from '../errors.js'
import { ArgError, missingText, type ArgType, type Location } from './reqparse-types.js'
import { parseJson } from './json.js'
import { REQPARSE } from './validation.js'

/** One declared argument; `T` is what the handler receives. */
export interface Arg<T> {
  readonly location: Location
  readonly type: ArgType<unknown>
  readonly required: boolean
  /** JSON `null` reaches the handler as null instead of going to the type function. */
  readonly nullable: boolean
  /** `action='append'`: a JSON list is converted element by element. */
  readonly append: boolean
  readonly fallback?: unknown
  readonly _out?: T
}

const arg = <T>(
  location: Location,
  type: ArgType<unknown>,
  more: Partial<Arg<T>> = {},
): Arg<T> => ({
  location,
  type,
  required: false,
  nullable: false,
  append: false,
  ...more,
})

/** A required argument. */
export const need = <T>(location: Location, type: ArgType<T>) =>
  arg<T>(location, type, { required: true })
/** An optional argument without default (undefined when absent). */
export const maybe = <T>(location: Location, type: ArgType<T>) => arg<T | undefined>(location, type)
/** An optional argument with a default. */
export const withDefault = <T>(location: Location, type: ArgType<T>, value: T) =>
  arg<T>(location, type, { fallback: value })
/** The same argument, letting JSON `null` through as null (as reqparse stores it). */
export const orNull = <T>(declared: Arg<T>): Arg<T | null> => ({ ...declared, nullable: true })
/** A required `action='append'` JSON argument: each element converted; `[]` counts as missing. */
export const appended = <T>(type: ArgType<T>) =>
  arg<(T | null)[]>('json', type, { required: true, append: true })

type Declaration = Record<string, Arg<unknown>>
/** The handler's view of a declaration. */
export type Parsed<D extends Declaration> = {
  [K in keyof D]: D[K] extends Arg<infer T> ? T : never
}

/** A route's arguments: the schemas Fastify shows and checks, and the parser. */
export interface Parser<D extends Declaration> {
  readonly schema: { body?: TSchema; querystring?: TSchema; headers?: TSchema }
  /** Reads every argument in declaration order; the first failure is the 400 (bundle_errors off). */
  parse(request: FastifyRequest): Promise<Parsed<D>>
  /** `parse` of a query string alone, for query-only declarations of synchronous types. */
  parseQuery(query: unknown): Parsed<D>
}

const isJsonType = (contentType: string | undefined) => {
  const mime = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'))
}

/** `request.json` as reqparse saw it: a bad body is the bare 400, a non-object is an empty source. */
function jsonSource(request: FastifyRequest): Record<string, unknown> {
  const { body } = request
  if (
    !isJsonType(request.headers['content-type']) ||
    body === undefined ||
    body === UNREADABLE_BODY
  ) {
    throw new AppError(400, BAD_REQUEST)
  }
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {}
}

/** `request.get_json(force=True)`: the body as JSON whatever its content type says. */
export function forcedJsonBody(request: FastifyRequest): unknown {
  const { body } = request
  if (body === UNREADABLE_BODY || body === undefined) throw new AppError(400, BAD_REQUEST)
  if (typeof body !== 'string' || isJsonType(request.headers['content-type'])) return body
  try {
    return parseJson(body)
  } catch {
    throw new AppError(400, BAD_REQUEST)
  }
}

function read(request: FastifyRequest, name: string, location: Location): unknown {
  if (location === 'args') return (request.query as Record<string, unknown> | undefined)?.[name]
  if (location === 'headers') return request.headers[name.toLowerCase()]
  const source = jsonSource(request)
  return Object.hasOwn(source, name) ? source[name] : undefined
}

const asAppError = (name: string, error: unknown): Error =>
  error instanceof ArgError
    ? new AppError(400, { [name]: error.message })
    : error instanceof Error
      ? error
      : new Error(String(error))

/** The type function on one value: its result, or a promise of it for asynchronous types. */
function convert(declared: Arg<unknown>, name: string, value: unknown): unknown {
  if (value === null && declared.nullable) return null
  try {
    const result = declared.type.convert(value, name)
    return result instanceof Promise
      ? result.catch((error: unknown) => Promise.reject(asAppError(name, error)))
      : result
  } catch (error) {
    throw asAppError(name, error)
  }
}

/** Converts each value in order (the first failure is reported); types here are synchronous. */
function convertEach(declared: Arg<unknown>, name: string, values: unknown[]) {
  return values.map((item) => {
    const result = item === null && declared.append ? null : convert(declared, name, item)
    if (result instanceof Promise) throw new Error(`${name}: asynchronous type in a list`)
    return result
  })
}

/** One argument from its raw value (undefined when absent). */
function settle(declared: Arg<unknown>, name: string, raw: unknown): unknown {
  let value = raw
  if (declared.append) value = value === undefined || Array.isArray(value) ? value : [value]
  if (value === undefined || (declared.append && (value as unknown[]).length === 0)) {
    if (declared.required) throw new AppError(400, { [name]: missingText(declared.location) })
    return declared.fallback
  }
  if (declared.append) return convertEach(declared, name, value as unknown[])
  // A query argument given several times: each is converted, the first is used.
  if (declared.location !== 'json' && Array.isArray(value)) {
    return convertEach(declared, name, value)[0]
  }
  return convert(declared, name, value)
}

const docSchema = (declared: Arg<unknown>) => {
  const schema = Type.Unsafe({ description: declared.type.doc })
  return declared.required ? schema : Type.Optional(schema)
}

function schemaFor(declaration: Declaration, location: Location): TSchema | undefined {
  const entries = Object.entries(declaration).filter(
    ([, declared]) => declared.location === location,
  )
  if (entries.length === 0) return undefined
  const key = (name: string) => (location === 'headers' ? name.toLowerCase() : name)
  const properties = Object.fromEntries(
    entries.map(([name, declared]) => [key(name), docSchema(declared)]),
  )
  // No `required`, and any JSON body: reqparse answers for absent and mistyped values, in order.
  const { type, required: _required, ...schema } = Type.Object(properties)
  return { ...schema, ...(location === 'json' ? {} : { type }), [REQPARSE]: true } as TSchema
}

/**
 * Declares a route's arguments the way the original's `RequestParser` did, one entry per
 * `add_argument`, in the same order:
 *
 * ```ts
 * const Args = reqparse({
 *   target: need('json', idOf('Invalid target user id.', (id) => userExists(deps, id))),
 *   page: withDefault('args', positive, 1n),
 *   Trace: maybe('headers', regex('^.+$')),
 * })
 * app.post(url, { schema: { ...Args.schema, response }, onRequest: app.requireUser },
 *   async (request) => { const { target, page, Trace } = await Args.parse(request) … })
 * ```
 *
 * `parse` runs in the handler, after the auth guard, so the order of answers is the original's:
 * route (404/405), auth (401/403), arguments (400, the first failing one, `{"message": {name:
 * text}}` with the type function's text from `reqparse-types.ts`), then the handler's own checks.
 * A `json` argument makes a body that is missing or not JSON the bare 400 `BAD_REQUEST`.
 */
export function reqparse<D extends Declaration>(declaration: D): Parser<D> {
  const schema: Parser<D>['schema'] = {}
  const body = schemaFor(declaration, 'json')
  const querystring = schemaFor(declaration, 'args')
  const headers = schemaFor(declaration, 'headers')
  if (body) schema.body = body
  if (querystring) schema.querystring = querystring
  if (headers) schema.headers = headers
  const declared = Object.entries(declaration)
  return {
    schema,
    async parse(request) {
      const parsed: Record<string, unknown> = {}
      for (const [name, argument] of declared) {
        // Most type functions answer at once: only a promise is waited for.
        const value = settle(argument, name, read(request, name, argument.location))
        parsed[name] = value instanceof Promise ? await value : value
      }
      return parsed as Parsed<D>
    },
    parseQuery(query) {
      const source = (query ?? {}) as Record<string, unknown>
      const parsed: Record<string, unknown> = {}
      for (const [name, declared] of Object.entries(declaration)) {
        const value = settle(declared, name, source[name])
        if (value instanceof Promise || declared.location !== 'args') {
          throw new Error(`${name}: parseQuery reads synchronous query arguments only`)
        }
        parsed[name] = value
      }
      return parsed as Parsed<D>
    },
  }
}
