import type { Deps } from '../../deps.js'
import type { ArticleListener } from '../../infra/events/article-events.js'
import { APPROVED_STATUS } from '../../infra/search/search-engine.js'
import { approvedDocuments, findSearchDocument } from './search.repo.js'

type IndexingDeps = Pick<Deps, 'db' | 'search' | 'log'>

/**
 * Brings the search index in line with an article after it changed (created, edited,
 * approved, rejected, banned, deleted): indexed when approved, removed otherwise. A failure
 * is logged, never thrown: the write it follows has committed; `reindex` repairs the index.
 */
export async function articleChanged(deps: IndexingDeps, articleId: bigint): Promise<void> {
  try {
    const doc = await findSearchDocument(deps.db.write, articleId)
    if (doc) await deps.search.index([doc])
    else await deps.search.remove([articleId])
  } catch (error) {
    deps.log.warn(
      { err: error, articleId: articleId.toString() },
      'search index not updated for an article; `reindex` repairs it',
    )
  }
}

/**
 * The search feature's part after a lifecycle change: articles that entered, left or stayed in
 * the approved set (an edit) are indexed again or removed; drafts and reviews never were there.
 */
export function searchReaction(deps: IndexingDeps): ArticleListener {
  return async (changes) => {
    for (const change of changes) {
      if (change.from === APPROVED_STATUS || change.to === APPROVED_STATUS)
        await articleChanged(deps, change.id)
    }
  }
}

/** Every approved article into the configured engine, replacing its index; returns the count. */
export function reindexAll(deps: Pick<Deps, 'db' | 'search'>): Promise<number> {
  return deps.search.rebuild(approvedDocuments(deps.db.read))
}

/** The `reindex` command. */
export async function reindex(deps: Pick<Deps, 'db' | 'search' | 'log'>): Promise<void> {
  if (deps.search.kind === 'embedded') {
    deps.log.info('embedded search builds its index in memory when `serve` starts: nothing to do')
    return
  }
  const started = Date.now()
  const articles = await reindexAll(deps)
  deps.log.info(
    { engine: deps.search.kind, articles, ms: Date.now() - started },
    'search reindexed',
  )
}
