import type { Logger } from 'pino'

/** One article's status change (or edit), as the article lifecycle announces it. */
export interface ArticleChange {
  id: bigint
  authorId: bigint
  channelId: number
  /** The status before the write; null when the article was just created. */
  from: number | null
  /** The status after the write (an edit may keep it). */
  to: number
  /** Channel before the write, when an edit moved the article. */
  previousChannelId?: number
}

/** Reacts to committed changes; a failure is logged by the announcer, never thrown to the writer. */
export type ArticleListener = (changes: readonly ArticleChange[]) => Promise<void>

/** Where the article lifecycle announces committed changes and features subscribe to them. */
export interface ArticleEvents {
  /** Adds a listener; returns the function that removes it. */
  subscribe(name: string, listener: ArticleListener): () => void
  /** Runs every listener on the changes (concurrently) and waits for all of them. */
  announce(changes: readonly ArticleChange[]): Promise<void>
}

/**
 * In-process announcements. The writes are committed before they are announced, so a listener
 * that fails (cache, index or recommender down) cannot undo them: it is logged, and each
 * listener's own repair path (cache TTLs, `reindex`, the counter repair job) puts it right.
 */
export function articleEvents(log: Pick<Logger, 'warn'>): ArticleEvents {
  const listeners = new Map<string, ArticleListener>()
  return {
    subscribe(name, listener) {
      listeners.set(name, listener)
      return () => void listeners.delete(name)
    },
    async announce(changes) {
      if (changes.length === 0) return
      await Promise.all(
        [...listeners].map(async ([name, listener]) => {
          try {
            await listener(changes)
          } catch (error) {
            log.warn(
              { err: error, listener: name, articles: changes.map((c) => c.id.toString()) },
              'article change not applied by a listener',
            )
          }
        }),
      )
    },
  }
}
