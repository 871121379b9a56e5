import { Type, type TSchema } from '@sinclair/typebox'
import { AppError } from '../errors.js'

const MAX_ID = (1n << 63n) - 1n

/** A 64-bit id in a reply: an exact JSON number written from a bigint. */
export const Id = Type.Unsafe<bigint>({ type: 'integer', description: '64-bit id (exact)' })

/**
 * A 64-bit id in a request body: a JSON number or a decimal string (json-bigint clients send
 * strings). Numbers are coerced to strings by the validator; `parseId` makes the bigint.
 */
export const IdInput = Type.String({
  pattern: '^[1-9][0-9]{0,18}$',
  description: 'id, number or decimal string',
})

/** A 64-bit id in a path (`<int:…>` in the original: anything else is a 404). */
export const IdParam = Type.String({ pattern: '^[0-9]{1,19}$' })

/** Turns a validated id string into a bigint, or null when it cannot be a stored id. */
export function parseId(text: string): bigint | null {
  const id = BigInt(text)
  return id > 0n && id <= MAX_ID ? id : null
}

/** `parseId`, answering 400 with `message` when the id cannot exist. */
export function requireId(text: string, message: string): bigint {
  const id = parseId(text)
  if (id === null) throw new AppError(400, message)
  return id
}

/** The success envelope `{message: "OK", data}` around a payload schema. */
export const Ok = <T extends TSchema>(data: T) => Type.Object({ message: Type.String(), data })

/** A reply that is only `{message}` (errors, and the original's message-only successes). */
export const Message = Type.Object({ message: Type.String() })

/** Wraps a payload in the original's success envelope. */
export const ok = <T>(data: T) => ({ message: 'OK', data })

// Far beyond any list, and small enough that `(page - 1) * per_page` stays an exact offset.
const MAX_PAGE = 2_147_483_647

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
