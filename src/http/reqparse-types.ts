import { pyInt, pyRegex, pyStr, pyTypeName } from './python.js'

/** Where reqparse reads an argument (Flask-RESTful `location`). */
export type Location = 'json' | 'args' | 'headers'

const WHERE: Record<Location, string> = {
  json: 'the JSON body',
  args: 'the query string',
  headers: 'the HTTP headers',
}

/** reqparse's text for a required argument that is absent. */
export const missingText = (location: Location) =>
  `Missing required parameter in ${WHERE[location]}`

/** A type function's failure: its text becomes `{"message": {<arg>: <text>}}` (400). */
export class ArgError extends Error {}

/**
 * One reqparse type function: converts a present, non-null value or throws `ArgError` with the
 * original's text. `doc` is what the OpenAPI document says the argument accepts.
 */
export interface ArgType<T> {
  readonly doc: string
  readonly convert: (value: unknown, name: string) => T | Promise<T>
}

/** A type function that answers at once (no lookups): usable in lists and query parsers. */
export interface SyncArgType<T> extends ArgType<T> {
  readonly convert: (value: unknown, name: string) => T
}

/** A type whose result is passed through `then` (synchronous when both steps are). */
export function mapType<A, B>(
  type: SyncArgType<A>,
  then: (value: A, name: string) => B,
  doc?: string,
): SyncArgType<B>
export function mapType<A, B>(
  type: ArgType<A>,
  then: (value: A, name: string) => B | Promise<B>,
  doc?: string,
): ArgType<B>
export function mapType<A, B>(
  type: ArgType<A>,
  then: (value: A, name: string) => B | Promise<B>,
  doc = type.doc,
): ArgType<B> {
  return {
    doc,
    convert: (value, name) => {
      const result = type.convert(value, name)
      return result instanceof Promise ? result.then((v) => then(v, name)) : then(result, name)
    },
  }
}

/** `inputs._get_integer`: `int(v)`, with the texts of its ValueError and TypeError. */
function integer(value: unknown): bigint {
  const result = pyInt(value)
  if (result.ok) return result.value
  // OverflowError (float infinity) is not caught by flask-restful: its own text is the message.
  if (result.error === 'OverflowError')
    throw new ArgError('cannot convert float infinity to integer')
  throw new ArgError(`${typeof value === 'number' ? 'nan' : pyStr(value)} is not a valid integer`)
}

/** `inputs.positive`: an integer ≥ 1. */
export const positive: SyncArgType<bigint> = {
  doc: 'positive integer',
  convert: (value, name) => {
    const n = integer(value)
    if (n < 1n) throw new ArgError(`Invalid ${name}: ${n}. ${name} must be a positive integer`)
    return n
  },
}

/** `inputs.natural`: an integer ≥ 0. */
export const natural: SyncArgType<bigint> = {
  doc: 'non-negative integer',
  convert: (value, name) => {
    const n = integer(value)
    if (n < 0n) throw new ArgError(`Invalid ${name}: ${n}. ${name} must be a non-negative integer`)
    return n
  },
}

/** `inputs.int_range(lo, hi, argument)`. */
export const intRange = (lo: number, hi: number, argument: string): SyncArgType<number> => ({
  doc: `integer ${lo}..${hi}`,
  convert: (value) => {
    const n = integer(value)
    if (n < BigInt(lo) || n > BigInt(hi)) {
      throw new ArgError(
        `Invalid ${argument}: ${n}. ${argument} must be within the range ${lo} - ${hi}`,
      )
    }
    return Number(n)
  },
})

/** `inputs.boolean`: true/1 or false/0 in any case. */
export const boolean: SyncArgType<boolean> = {
  doc: 'true, false, 1 or 0',
  convert: (value) => {
    if (typeof value === 'boolean') return value
    if (typeof value !== 'string')
      throw new ArgError(`'${pyTypeName(value)}' object has no attribute 'lower'`)
    if (value === '') throw new ArgError('boolean type must be non-null')
    const lower = value.toLowerCase()
    if (lower === 'true' || lower === '1') return true
    if (lower === 'false' || lower === '0') return false
    throw new ArgError(`Invalid literal for boolean(): ${lower}`)
  },
}

/** The `re` module's TypeError for a value that is not a string. */
function requireText(value: unknown): string {
  if (typeof value === 'string') return value
  throw new ArgError(`expected string or bytes-like object, got '${pyTypeName(value)}'`)
}

/** A string matched by a Python pattern, else `failure(value)`. */
export const matching = (
  pattern: string,
  failure: (value: string) => string,
  doc = `text matching ${pattern}`,
): SyncArgType<string> => {
  const regex = pyRegex(pattern)
  return {
    doc,
    convert: (value) => {
      const text = requireText(value)
      if (!regex.test(text)) throw new ArgError(failure(text))
      return text
    },
  }
}

/** `inputs.regex(pattern)`. */
export const regex = (pattern: string) =>
  matching(pattern, () => `Value does not match pattern: "${pattern}"`)

/** The project's `parser.mobile`. */
export const mobile = matching(
  '^1[3-9]\\d{9}$',
  (text) => `${text} is not a valid mobile`,
  'mobile',
)

/** The project's `parser.regex(pattern)`: one fixed text for every mismatch. */
export const paramRegex = (pattern: string) => matching(pattern, () => 'Invalid params.')

/**
 * An id that must be `int(v) > 0` and name something `exists` finds; every failure, type errors
 * included, has the one fixed text (`parser.user_id`, `article_id`, `comment_id`).
 */
export const idOf = (
  message: string,
  exists: (id: bigint) => Promise<boolean> | boolean,
): ArgType<bigint> => ({
  doc: 'id: a JSON number or decimal digits',
  convert: async (value) => {
    const result = pyInt(value)
    if (!result.ok || result.value < 1n || !(await exists(result.value))) {
      throw new ArgError(message)
    }
    return result.value
  },
})

/** A type function that accepts `int(v)` in `allowed`, else one fixed text (`_gender`). */
export const intIn = (allowed: readonly number[], message: string): ArgType<number> => ({
  doc: allowed.join(', '),
  convert: (value) => {
    const result = pyInt(value)
    if (!result.ok || !allowed.includes(Number(result.value))) throw new ArgError(message)
    return Number(result.value)
  },
})

/** Exactly one of `allowed` strings, case-sensitive (`_comment_type`). */
export const oneOf = <T extends string>(
  allowed: readonly T[],
  message: string,
): SyncArgType<T> => ({
  doc: allowed.join(' or '),
  convert: (value) => {
    if (typeof value !== 'string' || !allowed.includes(value as T)) throw new ArgError(message)
    return value as T
  },
})

/** `v in (0, 1, …)` with Python equality: numbers and booleans, never strings. */
export const equalToOneOf = (allowed: readonly number[], message: string): ArgType<number> => ({
  doc: allowed.join(', '),
  convert: (value) => {
    const number = typeof value === 'boolean' ? Number(value) : value
    if (typeof number !== 'number' || !allowed.includes(number)) throw new ArgError(message)
    return number
  },
})

/** `str(v)`: never fails (`0` becomes `"0"`). */
export const str: ArgType<string> = { doc: 'text', convert: (value) => pyStr(value) }

const DATE = /^(\d{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])$/

/** The project's `parser.date`: `%Y-%m-%d` normalised to `YYYY-MM-DD`; falsy values are null. */
export const date: ArgType<string | null> = {
  doc: 'date YYYY-MM-DD',
  convert: (value) => {
    if (isFalsy(value)) return null
    const match = typeof value === 'string' ? DATE.exec(value) : null
    if (!match) throw new ArgError('Invalid date param.')
    const [year = 0, month = 1, day = 1] = match.slice(1).map((part) => Number(part.trim()))
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
    const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0
    if (year < 1 || day > days) throw new ArgError('Invalid date param.')
    const pad = (part: number, width: number) => String(part).padStart(width, '0')
    return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
  },
}

/** Python truthiness of a JSON value. */
export function isFalsy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '')
    return true
  if (value === 0n) return true
  if (Array.isArray(value)) return value.length === 0
  return typeof value === 'object' && Object.keys(value).length === 0
}
