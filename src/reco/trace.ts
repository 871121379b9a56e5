import type { Trace } from './recommender.js'

/**
 * Trace strings in the shape the original's recommender wrote them (`add_track`): the client
 * sends one back in the `Trace` header when the user opens, collects, shares or reads the item.
 */
export function traceFor(viewer: string, articleId: bigint, algorithm: string): Trace {
  return tracesFor(viewer, algorithm)(articleId)
}

const ACTIONS = ['click', 'collect', 'share', 'read'] as const
// The JSON text of each trace made here, as it is written inside a reply (strings escaped).
const texts = new WeakMap<Trace, string>()
// A string's JSON text without its quotes (escaping is per character, so pieces compose).
const escaped = (text: string) => JSON.stringify(text).slice(1, -1)

/**
 * `traceFor` of one viewer and algorithm for many articles: the JSON of the parts they share is
 * written once. Each trace is `JSON.stringify({action, userId, articleId, algorithmCombine})`.
 */
export function tracesFor(viewer: string, algorithm: string): (articleId: bigint) => Trace {
  const user = JSON.stringify(viewer)
  const algo = JSON.stringify(algorithm)
  const userText = escaped(user)
  const algoText = escaped(algo)
  return (articleId) => {
    const id = articleId.toString()
    const param = (action: string) =>
      `{"action":"${action}","userId":${user},"articleId":"${id}","algorithmCombine":${algo}}`
    const trace = {
      click: param('click'),
      collect: param('collect'),
      share: param('share'),
      read: param('read'),
    }
    const inReply = (action: string) =>
      `"${action}":"{\\"action\\":\\"${action}\\",\\"userId\\":${userText},` +
      `\\"articleId\\":\\"${id}\\",\\"algorithmCombine\\":${algoText}}"`
    texts.set(trace, `{${ACTIONS.map(inReply).join(',')}}`)
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
