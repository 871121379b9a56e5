import type { Trace } from './recommender.js'

/**
 * Trace strings in the shape the original's recommender wrote them (`add_track`): the client
 * sends one back in the `Trace` header when the user opens, collects, shares or reads the item.
 */
export function traceFor(viewer: string, articleId: bigint, algorithm: string): Trace {
  return tracesFor(viewer, algorithm)(articleId)
}

// The JSON text of each trace made here, as it is written inside a reply (strings escaped).
const texts = new WeakMap<Trace, string>()
// A string's JSON text without its quotes (escaping is per character, so pieces compose).
const escaped = (text: string) => JSON.stringify(text).slice(1, -1)

/**
 * `traceFor` of one viewer and algorithm for many articles: the JSON of the parts they share is
 * written once. Each trace is `JSON.stringify({action, userId, articleId, algorithmCombine})`.
 */
export function tracesFor(viewer: string, algorithm: string): (articleId: bigint) => Trace {
  const user = `","userId":${JSON.stringify(viewer)},"articleId":"`
  const algo = `","algorithmCombine":${JSON.stringify(algorithm)}}`
  const userText = `\\",\\"userId\\":${escaped(JSON.stringify(viewer))},\\"articleId\\":\\"`
  const algoText = `\\",\\"algorithmCombine\\":${escaped(JSON.stringify(algorithm))}}"`
  return (articleId) => {
    const id = articleId.toString()
    const tail = user + id + algo
    const trace = {
      click: `{"action":"click${tail}`,
      collect: `{"action":"collect${tail}`,
      share: `{"action":"share${tail}`,
      read: `{"action":"read${tail}`,
    }
    const text = userText + id + algoText
    texts.set(
      trace,
      `{"click":"{\\"action\\":\\"click${text},"collect":"{\\"action\\":\\"collect${text},` +
        `"share":"{\\"action\\":\\"share${text},"read":"{\\"action\\":\\"read${text}}`,
    )
    return trace
  }
}

/** A trace as JSON text `{click, collect, share, read}`, as a reply's serializer writes it. */
export function traceJson(trace: Trace): string {
  return (
    texts.get(trace) ??
    `{"click":${JSON.stringify(trace.click)},"collect":${JSON.stringify(trace.collect)},` +
      `"share":${JSON.stringify(trace.share)},"read":${JSON.stringify(trace.read)}}`
  )
}

/** The exposure record of a page; `articleId` is the JSON text of the id list, as the original wrote it. */
export function exposureFor(viewer: string, ids: readonly bigint[], algorithm: string): string {
  return JSON.stringify({
    action: 'exposure',
    userId: viewer,
    articleId: `[${ids.join(', ')}]`,
    algorithmCombine: algorithm,
  })
}

/** What a `Trace` header says, when it is one of ours (or the original's). */
export interface ParsedTrace {
  action: string
  /** The viewer string the trace was issued to: a user id or an anonymous device id. */
  viewer: string
  articleId: bigint
  algorithm: string
}

/** Parses a `Trace` header; null for anything that is not a well-formed trace. */
export function parseTrace(header: string): ParsedTrace | null {
  let value: unknown
  try {
    value = JSON.parse(header)
  } catch {
    return null
  }
  if (value === null || typeof value !== 'object') return null
  const { action, userId, articleId, algorithmCombine } = value as Record<string, unknown>
  const id = typeof articleId === 'number' ? String(articleId) : articleId
  if (typeof action !== 'string' || typeof userId !== 'string' || typeof id !== 'string')
    return null
  if (userId === '' || userId.length > 200 || !/^[1-9]\d{0,18}$/.test(id)) return null
  return {
    action,
    viewer: userId,
    articleId: BigInt(id),
    algorithm: typeof algorithmCombine === 'string' ? algorithmCombine : '',
  }
}
