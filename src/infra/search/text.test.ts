import { describe, expect, it } from 'vitest'
import {
  compactPinyin,
  isPinyinLike,
  joinWords,
  normalizeText,
  pinyinKeys,
  searchTokens,
  segmented,
  stripHtml,
  unsegment,
  words,
} from './text.js'

describe('search text', () => {
  it('cuts Chinese into words and their parts, lower-cased, without punctuation or function words', () => {
    expect(searchTokens('人工智能的Redis缓存！')).toEqual([
      '人工',
      '智能',
      '人工智能',
      'redis',
      '缓存',
    ])
    expect(searchTokens('的了，。')).toEqual([])
    expect(searchTokens('ＲＥＤＩＳ')).toEqual(['redis'])
    expect(segmented('缓存架构')).toBe('缓存 架构')
  })

  it('keeps words in order with the spaces between them, for phrases', () => {
    expect(words('Redis 缓存的原理').map((w) => [w.text, w.content, w.afterSpace])).toEqual([
      ['Redis', true, false],
      ['缓存', true, true],
      ['的', false, false],
      ['原理', true, false],
    ])
  })

  it('gives full pinyin and initials, reading polyphones within their word', () => {
    expect(pinyinKeys('人工智能')).toEqual({ full: 'rengongzhineng', initials: 'rgzn' })
    expect(pinyinKeys('银行')).toEqual({ full: 'yinhang', initials: 'yh' })
    expect(pinyinKeys('Vue 3 入门：绿色')).toEqual({ full: 'vue3rumenlvse', initials: 'vue3rmls' })
    expect(pinyinKeys('深度学习入门到精通', 4).full).toBe('shenduxuexi')
  })

  it('recognizes pinyin-like queries', () => {
    expect(['rengong', 'ren gong', "xi'an", 'vue3'].every(isPinyinLike)).toBe(true)
    expect(['人工', '123', 'c++', ''].some(isPinyinLike)).toBe(false)
    expect(compactPinyin("Ren Gong'Zhi")).toBe('rengongzhi')
  })

  it('normalizes width, case and spaces', () => {
    expect(normalizeText('  Ｖｕｅ　３   入门 ')).toBe('vue 3 入门')
  })

  it('joins words back: Chinese closes up, Latin words keep a space', () => {
    expect(joinWords(['人工', '智能'])).toBe('人工智能')
    expect(joinWords(['redis', '缓存', 'go', '泛型'])).toBe('redis 缓存 go 泛型')
    expect(unsegment('人工 智能 入门')).toBe('人工智能入门')
    expect(unsegment('redis 缓存')).toBe('redis 缓存')
  })

  it('turns HTML bodies into text', () => {
    expect(
      stripHtml(
        '<p>缓存&amp;架构</p><script>alert(1)</script><style>p{}</style>&lt;b&gt;&#x4E2D;&#25991;&nbsp;!',
      ),
    ).toBe('缓存&架构 <b>中文 !')
    expect(stripHtml('<img src="a.png"/>图<br>文&unknown;')).toBe('图 文&unknown;')
  })
})
