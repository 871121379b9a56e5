/**
 * Python 3.11 semantics that the original's argument texts depend on: `int()`, `str()`, `repr()`
 * of JSON values and `re` patterns. JSON values arrive as the body parser makes them: integers
 * beyond 2^53 as bigint (or digit strings), every other number as a JS number.
 */

const ND = /^\p{Nd}$/u
// str.strip() and int() skip what str.isspace() accepts, which is not quite JS's \s.
const PY_SPACE =
  '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'
const STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'gu')
const INT_TEXT = /^[+-]?\p{Nd}+(?:_\p{Nd}+)*$/u
const MAX_INT_DIGITS = 4300
// Plain ASCII digits (most ids, pages and counts): read at once, without the Unicode work.
const ASCII_INT = /^[0-9]{1,300}$/

/** The result of `int(v)`: the integer, or which exception Python raised. */
export type PyInt =
  { ok: true; value: bigint } | { ok: false; error: 'ValueError' | 'TypeError' | 'OverflowError' }

/** The value 0–9 of one Unicode decimal digit (every Nd block is a run of whole 0–9 sets). */
function digitValue(char: string): number {
  const code = char.codePointAt(0) ?? 48
  if (code < 128) return code - 48
  let start = code
  while (ND.test(String.fromCodePoint(start - 1))) start -= 1
  return (code - start) % 10
}

/** Unicode decimal digits → ASCII digits (`١٢` → `12`). */
export const asciiDigits = (text: string) =>
  Array.from(text, (char) => (ND.test(char) ? String(digitValue(char)) : char)).join('')

/** `int(v)` for a JSON value (or a query/header string). */
export function pyInt(value: unknown): PyInt {
  if (typeof value === 'boolean') return { ok: true, value: value ? 1n : 0n }
  if (typeof value === 'bigint') return { ok: true, value }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { ok: false, error: 'ValueError' }
    if (!Number.isFinite(value)) return { ok: false, error: 'OverflowError' }
    return { ok: true, value: BigInt(Math.trunc(value)) }
  }
  if (typeof value !== 'string') return { ok: false, error: 'TypeError' }
  if (ASCII_INT.test(value)) return { ok: true, value: BigInt(value) }
  const text = value.replace(STRIP, '')
  if (!INT_TEXT.test(text)) return { ok: false, error: 'ValueError' }
  const digits = asciiDigits(text.replaceAll('_', ''))
  if (digits.replace(/^[+-]/, '').length > MAX_INT_DIGITS) return { ok: false, error: 'ValueError' }
  return { ok: true, value: BigInt(digits) }
}

/** Python's type name of a JSON value, as in `got 'int'`. */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'bigint') return 'int'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float'
  if (typeof value === 'string') return 'str'
  return Array.isArray(value) ? 'list' : 'dict'
}

function floatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  const magnitude = Math.abs(value)
  const text =
    magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e16)
      ? value.toExponential()
      : String(value)
  // Python writes at least two exponent digits: 1e-05, 1e+16.
  return text.replace(/e([+-])(\d)$/, 'e$10$2')
}

function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let out = quote
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0
    if (char === '\\' || char === quote) out += `\\${char}`
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\t') out += '\\t'
    else if (code < 0x20 || (code >= 0x7f && code <= 0xa0))
      out += `\\x${code.toString(16).padStart(2, '0')}`
    else out += char
  }
  return out + quote
}

/** `repr(v)` of a JSON value: `['a', 1]`, `{'k': None}`. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : floatRepr(value)
  if (typeof value === 'string') return stringRepr(value)
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  const entries = Object.entries(value as Record<string, unknown>)
  return `{${entries.map(([key, item]) => `${stringRepr(key)}: ${pyRepr(item)}`).join(', ')}}`
}

/** `str(v)`: strings as they are, everything else as its repr. */
export const pyStr = (value: unknown): string => (typeof value === 'string' ? value : pyRepr(value))

const QUANTIFIER = /^\{\d+(?:,\d*)?\}/

/**
 * A Python `re` pattern as a JS RegExp with the same meaning for the patterns the API uses:
 * `$` also matches before one final newline, `.` is anything but `\n`, `\d` is any Unicode
 * digit, counts are in code points, and a `{` that is not a quantifier is a literal.
 */
export function pyRegex(pattern: string): RegExp {
  let out = ''
  let inClass = false
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] ?? ''
    if (char === '\\') {
      const next = pattern[i + 1] ?? ''
      out += next === 'd' ? '\\p{Nd}' : `\\${next}`
      i += 1
    } else if (inClass) {
      if (char === ']') inClass = false
      out += char
    } else if (char === '[') {
      inClass = true
      out += char
    } else if (char === '.') out += '[^\\n]'
    else if (char === '$') out += '(?=\\n?$)'
    else if (char === '{') {
      const quantifier = QUANTIFIER.exec(pattern.slice(i))?.[0]
      if (quantifier) {
        out += quantifier
        i += quantifier.length - 1
      } else out += '\\{'
    } else if (char === '}') out += '\\}'
    else out += char
  }
  return new RegExp(out, 'u')
}
