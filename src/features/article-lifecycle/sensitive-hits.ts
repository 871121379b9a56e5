import type { Deps } from '../../deps.js'
import { findSensitiveHits } from './lifecycle.repo.js'

/** A sensitive word found in an article at its last submission, and how often it occurs. */
export interface SensitiveHit {
  word: string
  hits: number
}

/** The recorded hits of each article (articles without any are absent from the map). */
export async function sensitiveHits(
  deps: Pick<Deps, 'db'>,
  ids: readonly bigint[],
): Promise<Map<bigint, SensitiveHit[]>> {
  const hits = new Map<bigint, SensitiveHit[]>()
  for (const row of await findSensitiveHits(deps.db.read, ids)) {
    const list = hits.get(row.articleId) ?? []
    list.push({ word: row.word, hits: row.hits })
    hits.set(row.articleId, list)
  }
  return hits
}
