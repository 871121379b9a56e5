import { describe, expect, it } from 'vitest'
import { parseJson } from './json.js'

describe('parseJson', () => {
  it('keeps integers beyond 2^53 exact, as decimal strings, and safe ones as numbers', () => {
    expect(
      parseJson('{"a":1234567890123456789,"b":-9223372036854775808,"c":9007199254740991}'),
    ).toEqual({ a: '1234567890123456789', b: '-9223372036854775808', c: 9007199254740991 })
    expect(parseJson('[9007199254740993, 18446744073709551617]')).toEqual([
      '9007199254740993',
      '18446744073709551617',
    ])
    expect(parseJson('12345678901234567890')).toBe('12345678901234567890')
  })

  it('leaves fractions, exponents and digits inside strings alone', () => {
    expect(
      parseJson(
        '[1.12345678901234567, 1e12345678901234567, 12345678901234567.5, "x\\"12345678901234567890\\\\", "12345678901234567890"]',
      ),
    ).toEqual([
      1.1234567890123457,
      Infinity,
      12345678901234568,
      'x"12345678901234567890\\',
      '12345678901234567890',
    ])
  })

  it('refuses prototype keys, also when written with escapes, at any depth', () => {
    for (const text of [
      '{"__proto__":{"x":1}}',
      '{"a":[{"constructor":1}]}',
      '{"__pro\\u0074o__":1}',
      '{"id":12345678901234567890,"b":{"prototype":2}}',
    ]) {
      expect(() => parseJson(text)).toThrow(SyntaxError)
    }
  })

  it('refuses invalid text, including unterminated strings around long integers', () => {
    for (const text of ['{', '{"a":1}x', `[12345678901234567890,"${'\\"'.repeat(5000)}`, '"\\']) {
      expect(() => parseJson(text)).toThrow(SyntaxError)
    }
  })
})
