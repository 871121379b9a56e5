import { Jieba } from '@node-rs/jieba'
import { dict } from '@node-rs/jieba/dict.js'
import { pinyin } from 'pinyin-pro'

// Both engines segment here, in Node, so that they split text into the same words: the remote
// engine receives text already cut into space-separated words.

let jieba: Jieba | undefined
/** The process's one jieba segmenter with its default dictionary (loaded once, about 0.2 s). */
export const segmenter = () => (jieba ??= Jieba.withDict(dict))

/** Function words that carry no meaning on their own. */
const STOPWORDS = new Set([
  ...'的了是在和与及或也就都而把被让给对从向于这那之其吗呢吧啊呀哦么着过得地个',
])
const WORDLIKE = /[\p{L}\p{N}]/u
const HAN = /\p{Script=Han}/u
const ONLY_HAN = /^\p{Script=Han}+$/u
const ASCII_WORD = /^[a-z0-9]+$/i

/** Lower-cased, width-folded (NFKC) text with runs of white space made one space. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()
}

/** Whether the text holds a Chinese character. */
export const hasHan = (text: string) => HAN.test(text)

/** A query that may be pinyin: ASCII letters and digits, with spaces or apostrophes between. */
export const isPinyinLike = (query: string) => /^[a-z0-9' ]+$/i.test(query) && /[a-z]/i.test(query)

/** A pinyin-like query without its separators (`ren gong` → `rengong`). */
export const compactPinyin = (query: string) => query.toLowerCase().replace(/[' ]/g, '')

/**
 * Words for the index and for queries: jieba's search mode (long words also yield their parts,
 * 人工智能 → 人工, 智能, 人工智能), lower-cased, without punctuation and function words.
 */
export function searchTokens(text: string): string[] {
  const tokens: string[] = []
  for (const token of segmenter().cutForSearch(text.normalize('NFKC'), true)) {
    const word = token.trim().toLowerCase()
    if (word && WORDLIKE.test(word) && !STOPWORDS.has(word)) tokens.push(word)
  }
  return tokens
}

/** Text as space-separated search tokens, for a `whitespace`-analyzed field of a remote engine. */
export const segmented = (text: string) => searchTokens(text).join(' ')

/** A word of a text, as jieba's precise mode cuts it. */
export interface Word {
  text: string
  /** A meaningful word (not punctuation, space or a function word). */
  content: boolean
  /** Only white space separates it from the previous word. */
  afterSpace: boolean
}

/** The words of a short text (a title, a query) in order, for phrases and pinyin. */
export function words(text: string): Word[] {
  const out: Word[] = []
  let space = false
  for (const token of segmenter().cut(text.normalize('NFKC'), true)) {
    if (token.trim() === '') {
      space = true
      continue
    }
    const content = WORDLIKE.test(token) && !STOPWORDS.has(token)
    out.push({ text: token, content, afterSpace: space })
    space = false
  }
  return out
}

/** Joins words back into a phrase: Chinese words close up, Latin words and numbers keep a space. */
export function joinWords(parts: readonly string[]): string {
  let out = ''
  for (const part of parts) {
    if (out && (/[a-z0-9]$/i.test(out) || /^[a-z0-9]/i.test(part))) out += ' '
    out += part
  }
  return out
}

/** Undoes `segmented` on a phrase a remote engine suggests (`人工 智能` → `人工智能`). */
export function unsegment(text: string): string {
  return joinWords(text.split(/\s+/).filter(Boolean))
}

const PINYIN_MEMO_LIMIT = 200_000
const pinyinMemo = new Map<string, string[]>()

/** Toneless syllables of a Chinese word, decided within the word (银行 → yin hang). */
function syllables(word: string): string[] {
  let found = pinyinMemo.get(word)
  if (!found) {
    found = pinyin(word, { toneType: 'none', type: 'array', v: true })
    if (pinyinMemo.size >= PINYIN_MEMO_LIMIT) pinyinMemo.clear()
    pinyinMemo.set(word, found)
  }
  return found
}

/** The full pinyin and the initials of a text, e.g. `人工智能` → `rengongzhineng`, `rgzn`. */
export interface PinyinKeys {
  full: string
  initials: string
}

/**
 * Pinyin keys of the start of a text, for prefix matching: Chinese words become their syllables,
 * Latin words and numbers stay whole (lower-cased), everything else is dropped. Only the first
 * `maxChars` characters count, so keys of long titles stay short.
 */
export function pinyinKeys(text: string, maxChars = 24): PinyinKeys {
  return pinyinOfWords(words(text.slice(0, maxChars)), maxChars)
}

/** `pinyinKeys` of text already cut into words. */
export function pinyinOfWords(parts: readonly Word[], maxChars = 24): PinyinKeys {
  let full = ''
  let initials = ''
  let used = 0
  for (const word of parts) {
    if (used >= maxChars) break
    used += word.text.length
    if (ONLY_HAN.test(word.text)) {
      for (const syllable of syllables(word.text)) {
        full += syllable
        initials += syllable.charAt(0)
      }
    } else if (ASCII_WORD.test(word.text)) {
      full += word.text.toLowerCase()
      initials += word.text.toLowerCase()
    } else if (hasHan(word.text)) {
      for (const char of word.text) {
        if (!HAN.test(char)) continue
        const [syllable = ''] = syllables(char)
        full += syllable
        initials += syllable.charAt(0)
      }
    }
  }
  return { full, initials }
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
}

/** The text of an HTML body: tags, scripts and styles removed, entities decoded. */
export function stripHtml(html: string): string {
  return html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith('#')) {
        const code =
          name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1))
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' '
      }
      return ENTITIES[name.toLowerCase()] ?? entity
    })
    .replace(/\s+/g, ' ')
    .trim()
}
