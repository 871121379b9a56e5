import { describe, expect, it } from 'vitest'
import { pyInt, pyRegex, pyRepr, pyStr } from './python.js'

describe('Python semantics behind the original texts', () => {
  it('reads int() as Python 3.11 does', () => {
    const value = (input: unknown) => {
      const result = pyInt(input)
      return result.ok ? result.value : result.error
    }
    expect(value(' 5\n')).toBe(5n)
    expect(value('+3')).toBe(3n)
    expect(value('1_0')).toBe(10n)
    expect(value('٣')).toBe(3n)
    expect(value('１２')).toBe(12n)
    expect(value('𝟗')).toBe(9n)
    expect(value(1.9)).toBe(1n)
    expect(value(-0.5)).toBe(0n)
    expect(value(true)).toBe(1n)
    expect(value(99999999999999999999n)).toBe(99999999999999999999n)
    for (const bad of [
      '',
      '1.5',
      '1.0',
      '1e3',
      '0x10',
      ' 1 0',
      '五',
      '1__0',
      '_1',
      '9'.repeat(4301),
    ]) {
      expect(value(bad)).toBe('ValueError')
    }
    expect(value(Number.NaN)).toBe('ValueError')
    expect(value(Infinity)).toBe('OverflowError')
    expect(value([1])).toBe('TypeError')
    expect(value(null)).toBe('TypeError')
  })

  it('prints values as str() and repr() do', () => {
    expect(pyStr('abc')).toBe('abc')
    expect(pyRepr([1, 'a', null, true, 1.5])).toBe("[1, 'a', None, True, 1.5]")
    expect(pyRepr({ a: 1, k: '五' })).toBe("{'a': 1, 'k': '五'}")
    expect(pyRepr(["it's"])).toBe('["it\'s"]')
    expect(pyRepr([1e-5, 0.1, 1.5e-7])).toBe('[1e-05, 0.1, 1.5e-07]')
    expect(pyRepr(['a\nb'])).toBe("['a\\nb']")
  })

  it('matches patterns as Python re does', () => {
    expect(pyRegex('^.{1,7}$').test('abc\n')).toBe(true)
    expect(pyRegex('^.{1,7}$').test('\n')).toBe(false)
    expect(pyRegex('^.{1,7}$').test('😀😀😀😀😀😀😀')).toBe(true)
    expect(pyRegex('^\\d{6}$').test('１２３４５６')).toBe(true)
    expect(pyRegex('^.{1, 60}$').test('hello')).toBe(false)
    expect(pyRegex('^.{1, 60}$').test('x{1, 60}')).toBe(true)
  })
})
