import { stripHtml } from '../../infra/search/text.js'

/**
 * The sensitive words found in an article's title and text, with how often each occurs
 * (case-insensitive, on the text without its markup).
 */
export function scanSensitiveWords(
  words: readonly string[],
  title: string,
  html: string,
): Map<string, number> {
  const text = `${title}\n${stripHtml(html)}`.toLowerCase()
  const hits = new Map<string, number>()
  for (const word of words) {
    const needle = word.trim().toLowerCase()
    if (needle === '') continue
    let count = 0
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length))
      count++
    if (count > 0) hits.set(word, count)
  }
  return hits
}
