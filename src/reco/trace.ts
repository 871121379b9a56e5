import type { Trace } from './recommender.js'

/**
 * Trace strings in the shape the original's recommender wrote them (`add_track`): the client
 * sends one back in the `Trace` header when the user opens, collects, shares or reads the item.
 */
export function traceFor(viewer: string, articleId: bigint, algorithm: string): Trace {
  const param = (action: string) =>
    JSON.stringify({
      action,
      userId: viewer,
      articleId: articleId.toString(),
      algorithmCombine: algorithm,
    })
  return {
    click: param('click'),
    collect: param('collect'),
    share: param('share'),
    read: param('read'),
  }
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
