import { parse } from 'lossless-json'

/** Parses a reply body keeping every integer exact: safe ones as numbers, others as bigints. */
export function exactJson(body: string): any {
  return parse(body, null, (text) =>
    /^-?\d+$/.test(text) && !Number.isSafeInteger(Number(text)) ? BigInt(text) : Number(text),
  )
}

/** An id as `exactJson` reads it back: a number when JS holds it exactly, else a bigint. */
export const wire = (id: bigint): number | bigint =>
  id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(id) : id
