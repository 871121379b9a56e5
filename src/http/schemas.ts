import { Type, type TSchema } from '@sinclair/typebox'
import { AppError } from '../errors.js'
import { pyInt } from './python.js'
import { withDefault } from './reqparse.js'
import { intRange, mapType, positive } from './reqparse-types.js'

const MAX_ID = (1n << 63n) - 1n

/** A 64-bit id in a reply: an exact JSON number written from a bigint. */
export const Id = Type.Unsafe<bigint>({ type: 'integer', description: '64-bit id (exact)' })

/**
 * A 64-bit id in a request body: a JSON number or a decimal string (json-bigint clients send
 * strings). Bodies are not coerced, so both forms are declared; `parseId` makes the bigint.
 */
export const IdInput = Type.Union([
  Type.String({ pattern: '^[1-9][0-9]{0,18}$' }),
  Type.Integer({ minimum: 1 }),
])

export { PathId as IdParam } from './validation.js'

/** A (validated) id as a bigint, or null when it cannot be a stored id. */
export function parseId(value: string | number | bigint): bigint | null {
  // Path segments may hold any Unicode digits, which `int()` reads (and BigInt does not).
  const result = pyInt(value)
  return result.ok ? storedId(result.value) : null
}

/** `parseId`, answering 400 with `message` when the id cannot exist. */
export function requireId(value: string | number | bigint, message: string): bigint {
  const id = parseId(value)
  if (id === null) throw new AppError(400, message)
  return id
}

/** An id that a type function accepted, or null when it is beyond any stored id. */
export const storedId = (id: bigint): bigint | null => (id > 0n && id <= MAX_ID ? id : null)

/** The success envelope `{message: "OK", data}` around a payload schema. */
export const Ok = <T extends TSchema>(data: T) => Type.Object({ message: Type.String(), data })

/** A reply that is only `{message}` (errors, and the original's message-only successes). */
export const Message = Type.Object({ message: Type.String() })

/** Wraps a payload in the original's success envelope. */
export const ok = <T>(data: T) => ({ message: 'OK', data })

// Far beyond any list, and small enough that `(page - 1) * per_page` stays an exact offset.
const MAX_PAGE = 2_147_483_647

/** `page` (`positive`, default 1) and `per_page` (`int_range(min, max)`, default min) arguments. */
export const pageArgs = (min: number, max: number) => ({
  page: withDefault(
    'args',
    mapType(positive, (page) => Number(page > MAX_PAGE ? MAX_PAGE : page)),
    1,
  ),
  per_page: withDefault('args', intRange(min, max, 'per_page'), min),
})

/** `page` (from 1) and `per_page` (min..max, default min) query parameters. */
export const PageQuery = (min: number, max: number) =>
  Type.Object({
    page: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1 }),
    per_page: Type.Integer({ minimum: min, maximum: max, default: min }),
  })

/** `{total_count, page, per_page, results}` around an item schema. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    total_count: Type.Integer(),
    page: Type.Integer(),
    per_page: Type.Integer(),
    results: Type.Array(item),
  })
