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

  it('quotes only unsafe integers in value position, around strings, escapes and exponents', () => {
    const big = '12345678901234567890'
    expect(
      parseJson(
        `{"s":"a ${big} \\"${big}\\" b","n":-${big},"e":[1e${big},-1.5E-${big},2e+${big}],` +
          `"list":[ ${big} ,-9007199254740992,9007199254740991,-9007199254740991,0],` +
          `"esc":"\\\\","after":${big},"好":"好${big}","t":[true,null,${big}]}`,
      ),
    ).toEqual({
      s: `a ${big} "${big}" b`,
      n: `-${big}`,
      e: [Infinity, -0, Infinity],
      list: [big, '-9007199254740992', 9007199254740991, -9007199254740991, 0],
      esc: '\\',
      after: big,
      好: `好${big}`,
      t: [true, null, big],
    })
    expect(parseJson(`[${'1234567890123456789,'.repeat(1000)}1]`)).toEqual([
      ...Array<string>(1000).fill('1234567890123456789'),
      1,
    ])
  })

  it('finds a 16-digit integer wherever it starts', () => {
    for (let pad = 0; pad <= 17; pad++) {
      expect(parseJson(`${' '.repeat(pad)}[9007199254740993]`)).toEqual(['9007199254740993'])
      expect(parseJson(`[${' '.repeat(pad)}9007199254740993]`)).toEqual(['9007199254740993'])
      expect(parseJson(`${' '.repeat(pad)}9007199254740993`)).toBe('9007199254740993')
    }
  })

  it('does not turn invalid text valid by quoting', () => {
    for (const text of [
      '{12345678901234567890:1}',
      '{"a":1,12345678901234567890 :1}',
      '[012345678901234567890]',
      '[-012345678901234567890]',
      '[--12345678901234567890]',
      '[12345678901234567890-1]',
      '[.12345678901234567890]',
      '"12345678901234567890',
      '["\\"12345678901234567890]',
    ]) {
      expect(() => parseJson(text), text).toThrow(SyntaxError)
    }
  })

  it('refuses nesting deeper than 512 levels, with or without long integers', () => {
    for (const tail of ['1', '12345678901234567890']) {
      expect(parseJson(`${'['.repeat(512)}${tail}${']'.repeat(512)}`)).toBeInstanceOf(Array)
      expect(() => parseJson(`${'['.repeat(514)}${tail}${']'.repeat(514)}`)).toThrow(SyntaxError)
    }
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
