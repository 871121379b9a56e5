import SearchableMap from 'minisearch/SearchableMap'
import {
  joinWords,
  normalizeText,
  pinyinKeys,
  pinyinOfWords,
  words,
  type PinyinKeys,
  type Word,
} from './text.js'

/** A suggestion the embedded engine can make: an indexed title, or a term found in titles. */
interface Phrase {
  text: string
  kind: 'title' | 'term'
  /** Indexed articles that have it. */
  count: number
  /** Normalized text (the key in `byText`). */
  norm: string
  pinyin: PinyinKeys
  /** A pair of words: their normalized texts (its cohesion is judged by their counts). */
  parts?: [string, string]
}

/** Suggestions of one lookup, each kind ranked by how many articles have it. */
export interface PhraseMatches {
  terms: string[]
  titles: string[]
}

/** Candidates looked at per prefix lookup: ranking happens among these. */
const SCAN_LIMIT = 400
const FUZZY_CANDIDATES = 5
/** A pair of words is suggested only when it holds this share of its rarer word's articles. */
const MIN_COHESION = 0.25
const MAX_CORRECTED_WORDS = 6

const squash = (text: string) => normalizeText(text).replace(/ /g, '')
const idOf = (kind: Phrase['kind'], norm: string) => `${kind === 'title' ? 't' : 'w'}:${norm}`

/**
 * The embedded engine's suggestion vocabulary: every indexed title, and the terms of titles (words
 * of two or more characters and pairs of adjacent words, 机器学习 from 机器 + 学习), reference-
 * counted so articles can come and go. Lookups by text prefix, by pinyin prefix (full or initials),
 * by same pinyin (homophone typos), and by edit distance (other typos).
 */
export class PhraseIndex {
  private readonly phrases = new Map<string, Phrase>()
  private readonly byText = new SearchableMap<string[]>()
  private readonly byFull = new SearchableMap<string[]>()
  private readonly byInitials = new SearchableMap<string[]>()
  /** Terms by their text without spaces, for validating corrected phrases. */
  private readonly terms = new Map<string, string>()
  /** Articles per title word (any length), for the cohesion of word pairs. */
  private readonly wordCounts = new Map<string, number>()

  /** How many distinct titles and terms are held. */
  get size(): number {
    return this.phrases.size
  }

  /** Counts the title and its terms once more. */
  addTitle(title: string): void {
    const { phrases, words: titleWords } = phrasesOfTitle(title)
    for (const word of titleWords) this.wordCounts.set(word, (this.wordCounts.get(word) ?? 0) + 1)
    for (const phrase of phrases) this.add(phrase)
  }

  /** Counts the title and its terms once less, forgetting those no article has any more. */
  removeTitle(title: string): void {
    const { phrases, words: titleWords } = phrasesOfTitle(title)
    for (const word of titleWords) {
      const count = (this.wordCounts.get(word) ?? 0) - 1
      if (count > 0) this.wordCounts.set(word, count)
      else this.wordCounts.delete(word)
    }
    for (const phrase of phrases) {
      const id = idOf(phrase.kind, phrase.norm)
      const found = this.phrases.get(id)
      if (!found) continue
      found.count -= 1
      if (found.count > 0) continue
      this.phrases.delete(id)
      unlink(this.byText, found.norm, id)
      unlink(this.byFull, found.pinyin.full, id)
      unlink(this.byInitials, found.pinyin.initials, id)
      const squashed = squash(found.text)
      if (found.kind === 'term' && this.terms.get(squashed) === id) this.terms.delete(squashed)
    }
  }

  /** Titles and terms starting with `prefix` (normalized text), leaving out the prefix itself. */
  byPrefix(prefix: string): PhraseMatches {
    const norm = normalizeText(prefix)
    return this.rank(this.collect(this.byText, norm).filter((p) => p.norm !== norm))
  }

  /** Titles and terms whose full pinyin or initials start with `letters` (no separators). */
  byPinyinPrefix(letters: string): PhraseMatches {
    return this.rank([
      ...this.collect(this.byFull, letters),
      ...this.collect(this.byInitials, letters),
    ])
  }

  /**
   * Titles and terms that sound like `text` (a homophone typo such as 人工只能 for 人工智能):
   * same pinyin first, then longer ones starting with it.
   */
  byHomophone(text: string): PhraseMatches {
    const { full } = pinyinKeys(text, 50)
    const norm = normalizeText(text)
    if (full.length < 2) return { terms: [], titles: [] }
    const found = this.collect(this.byFull, full).filter((p) => p.norm !== norm)
    const same = found.filter((p) => p.pinyin.full === full)
    const longer = found.filter((p) => p.pinyin.full !== full)
    const first = this.rank(same)
    const then = this.rank(longer)
    return { terms: [...first.terms, ...then.terms], titles: [...first.titles, ...then.titles] }
  }

  /**
   * A phrase of known terms close to `query` by edit distance (Reids 缓存 → Redis 缓存), or null.
   * Each word may be replaced by a term a small distance away; neighbouring words must form a
   * term found in some title, so the result is a phrase the index holds.
   */
  correct(query: string): string | null {
    const parts = words(query).filter((w) => w.content)
    if (parts.length === 0 || parts.length > MAX_CORRECTED_WORDS) return null
    // Fewest words left unknown first, then the fewest edits, then the most common terms.
    let beams: Beam[] = [{ texts: [], unknown: 0, cost: 0, weight: 0 }]
    for (const word of parts) {
      const next: Beam[] = []
      for (const beam of beams) {
        for (const candidate of this.candidates(word)) {
          const last = beam.texts.at(-1)
          if (last !== undefined && !this.terms.has(squash(last + candidate.text))) continue
          next.push({
            texts: [...beam.texts, candidate.text],
            unknown: beam.unknown + (candidate.count === 0 ? 1 : 0),
            cost: beam.cost + candidate.distance,
            weight: beam.weight + Math.log1p(candidate.count),
          })
        }
      }
      beams = next
        .sort((a, b) => a.unknown - b.unknown || a.cost - b.cost || b.weight - a.weight)
        .slice(0, 8)
      if (beams.length === 0) return null
    }
    const best = beams[0]
    if (!best || best.texts.length === 0 || best.cost === 0) return null
    const whole = this.terms.get(squash(best.texts.join('')))
    const phrase = whole ? (this.phrases.get(whole)?.text ?? null) : joinWords(best.texts)
    if (!phrase || squash(phrase) === squash(query)) return null
    // A single word must itself be a term; longer phrases were checked pair by pair.
    return best.texts.length === 1 && !whole ? null : phrase
  }

  private candidates(word: Word): { text: string; distance: number; count: number }[] {
    const norm = normalizeText(word.text)
    const known = this.phrases.get(idOf('term', norm))
    const out = [{ text: known?.text ?? word.text, distance: 0, count: known?.count ?? 0 }]
    const length = [...norm].length
    const han = /\p{Script=Han}/u.test(norm)
    const maxDistance = han
      ? length >= 2
        ? length >= 4
          ? 2
          : 1
        : 0
      : length >= 5
        ? 2
        : length >= 3
          ? 1
          : 0
    if (maxDistance === 0) return out
    const fuzzy: { text: string; distance: number; count: number }[] = []
    for (const [key, [ids, distance]] of this.byText.fuzzyGet(norm, maxDistance)) {
      if (distance === 0 || key === norm) continue
      for (const id of ids) {
        const phrase = this.phrases.get(id)
        if (phrase?.kind === 'term') {
          fuzzy.push({ text: phrase.text, distance, count: phrase.count })
        }
      }
    }
    fuzzy.sort((a, b) => a.distance - b.distance || b.count - a.count)
    return [...out, ...fuzzy.slice(0, FUZZY_CANDIDATES)]
  }

  private add({ kind, text, norm, words: parts }: TitlePhrase): void {
    const id = idOf(kind, norm)
    const found = this.phrases.get(id)
    if (found) {
      found.count += 1
      return
    }
    const pinyin = pinyinOfWords(parts)
    const pair = kind === 'term' && parts.length === 2
    const phrase: Phrase = { text, kind, count: 1, norm, pinyin }
    if (pair) phrase.parts = [normalizeText(parts[0]!.text), normalizeText(parts[1]!.text)]
    this.phrases.set(id, phrase)
    link(this.byText, norm, id)
    if (pinyin.full) link(this.byFull, pinyin.full, id)
    if (pinyin.initials) link(this.byInitials, pinyin.initials, id)
    if (kind === 'term') this.terms.set(squash(text), id)
  }

  /** Unique phrases, each kind by weight; word pairs that rarely go together are left out. */
  private rank(phrases: Phrase[]): PhraseMatches {
    const weighted = new Map<string, { phrase: Phrase; weight: number }>()
    for (const phrase of phrases) {
      const weight = phrase.count * this.cohesion(phrase)
      if (weight > 0) weighted.set(`${phrase.kind}:${phrase.norm}`, { phrase, weight })
    }
    const sorted = [...weighted.values()].sort(
      (a, b) =>
        b.weight - a.weight ||
        a.phrase.text.length - b.phrase.text.length ||
        (a.phrase.text < b.phrase.text ? -1 : a.phrase.text > b.phrase.text ? 1 : 0),
    )
    const texts = (kind: Phrase['kind']) =>
      sorted.filter((entry) => entry.phrase.kind === kind).map((entry) => entry.phrase.text)
    return { terms: texts('term'), titles: texts('title') }
  }

  /** For a word pair, the share of its rarer word's articles that have the pair; else 1. */
  private cohesion(phrase: Phrase): number {
    if (!phrase.parts) return 1
    const rarer = Math.min(
      this.wordCounts.get(phrase.parts[0]) ?? 0,
      this.wordCounts.get(phrase.parts[1]) ?? 0,
    )
    const share = rarer > 0 ? Math.min(1, phrase.count / rarer) : 0
    return share >= MIN_COHESION ? share : 0
  }

  private collect(map: SearchableMap<string[]>, prefix: string): Phrase[] {
    const found: Phrase[] = []
    if (!prefix) return found
    for (const ids of map.atPrefix(prefix).values()) {
      for (const id of ids) {
        const phrase = this.phrases.get(id)
        if (phrase) found.push(phrase)
      }
      if (found.length >= SCAN_LIMIT) break
    }
    return found
  }
}

function link(map: SearchableMap<string[]>, key: string, id: string) {
  const ids = map.get(key)
  if (ids) ids.push(id)
  else map.set(key, [id])
}

function unlink(map: SearchableMap<string[]>, key: string, id: string) {
  const ids = map.get(key)
  if (!ids) return
  const rest = ids.filter((other) => other !== id)
  if (rest.length > 0) map.set(key, rest)
  else map.delete(key)
}

interface Beam {
  texts: string[]
  unknown: number
  cost: number
  weight: number
}

interface TitlePhrase {
  kind: Phrase['kind']
  text: string
  norm: string
  words: Word[]
}

/**
 * The title itself, its words of 2+ characters, and pairs of adjacent words (each once); and the
 * normalized words of the title (each once).
 */
function phrasesOfTitle(title: string): { phrases: Iterable<TitlePhrase>; words: Set<string> } {
  const text = title.replace(/\s+/g, ' ').trim()
  const all = words(text)
  const phrases = new Map<string, TitlePhrase>()
  const seen = new Set<string>()
  if (text) phrases.set('t:', { kind: 'title', text, norm: normalizeText(text), words: all })
  let previous: { word: Word; norm: string } | undefined
  for (const word of all) {
    if (!word.content) {
      previous = undefined
      continue
    }
    const norm = normalizeText(word.text)
    seen.add(norm)
    if (word.text.length >= 2)
      phrases.set(`w:${norm}`, { kind: 'term', text: word.text, norm, words: [word] })
    if (previous) {
      const gap = word.afterSpace ? ' ' : ''
      const pair = `${previous.word.text}${gap}${word.text}`
      const pairNorm = `${previous.norm}${gap}${norm}`
      phrases.set(`w:${pairNorm}`, {
        kind: 'term',
        text: pair,
        norm: pairNorm,
        words: [previous.word, word],
      })
    }
    previous = { word, norm }
  }
  return { phrases: phrases.values(), words: seen }
}
