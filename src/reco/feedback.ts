import type { Deps } from '../deps.js'
import { cachedArticleInfo } from '../features/articles/articles.cache.js'
import {
  addSignal,
  isAction,
  viewerKeysOfTrace,
  wasShown,
  type SignalAction,
} from './reco-state.js'
import { parseTrace } from './trace.js'

/** Reading reports shorter than this (seconds) are bounces, not interest. */
export const MIN_READ_SECONDS = 10

type FeedbackDeps = Pick<Deps, 'db' | 'cache' | 'sortedSets'>

/**
 * Feeds a `Trace` header back to the strategy (detail → click, collection → collect, reading
 * duration → read). Written straight into the shared store that the strategy reads, in the API
 * process, so it works the same in process and with the gRPC service (both share Redis/SQL).
 * A trace counts only for a viewer the article was shown to: a made-up or replayed header for
 * someone else's feed changes nothing. Returns whether a signal was recorded.
 */
export async function recordTrace(
  deps: FeedbackDeps,
  header: string,
  extra: Record<string, unknown> = {},
  nowMs = Date.now(),
): Promise<boolean> {
  const trace = parseTrace(header)
  if (!trace) return false
  const readTime = extra['readTime']
  const action: string = typeof readTime === 'number' ? 'read' : trace.action
  if (!isAction(action)) return false
  if (action === 'read' && typeof readTime === 'number' && readTime < MIN_READ_SECONDS) return false
  const info = await cachedArticleInfo(deps, trace.articleId)
  if (!info) return false
  let recorded = false
  for (const key of viewerKeysOfTrace(trace.viewer)) {
    if (!(await wasShown(deps.sortedSets, key, trace.articleId))) continue
    await addSignal(deps.sortedSets, key, signalOf(action, info, nowMs))
    recorded = true
  }
  return recorded
}

function signalOf(
  action: SignalAction,
  info: { art_id: bigint; ch_id: number; aut_id: bigint },
  atMs: number,
) {
  return { action, articleId: info.art_id, channelId: info.ch_id, authorId: info.aut_id, atMs }
}
