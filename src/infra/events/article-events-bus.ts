import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import type { RedisClient } from '../redis/redis.js'
import type { ArticleChange, ArticleEvents } from './article-events.js'

/** The announcer plus the Redis subscription that feeds it other nodes' changes. */
export interface ClusterArticleEvents extends ArticleEvents {
  /** Settles once the subscription to other nodes' changes is active (or the bus is closed). */
  readonly ready: Promise<void>
  /** Stops listening to other nodes. */
  close(): Promise<void>
}

interface Wire {
  node: string
  changes: {
    id: string
    authorId: string
    channelId: number
    from: number | null
    to: number
    previousChannelId?: number
  }[]
}

/**
 * Article changes for every node: a change is announced here first, then published on Redis;
 * every other node announces it to its own listeners (its in-process search index, its
 * recommender's candidates; evicting the shared caches again is harmless). A publish that fails
 * is logged: those nodes catch up through their own refresh paths (candidate reloads, reindex).
 */
export function clusterArticleEvents(
  local: ArticleEvents,
  redis: RedisClient,
  busRedis: RedisClient,
  channel: string,
  log: Pick<Logger, 'warn'>,
): ClusterArticleEvents {
  const node = randomUUID()
  const subscriber = busRedis.duplicate()
  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel) return
    let wire: Wire
    try {
      wire = JSON.parse(text) as Wire
    } catch {
      return
    }
    if (wire.node === node) return
    const changes: ArticleChange[] = wire.changes.map((c) => ({
      ...c,
      id: BigInt(c.id),
      authorId: BigInt(c.authorId),
    }))
    void local.announce(changes).catch(() => undefined)
  })
  let closed = false
  // A SUBSCRIBE that failed (a timeout at start-up under load) is not redone by ioredis on
  // reconnect: without retrying, this node would never hear other nodes' changes.
  const subscribeUntilActive = async () => {
    for (let attempt = 1; !closed; attempt++) {
      try {
        await subscriber.subscribe(channel)
        return
      } catch (error) {
        if (closed) return
        log.warn({ err: error, attempt }, 'article changes of other nodes not received yet')
        await sleep(Math.min(attempt, 10) * 500)
      }
    }
  }
  const ready = subscribeUntilActive()
  return {
    subscribe: (name, listener) => local.subscribe(name, listener),
    async announce(changes) {
      await local.announce(changes)
      if (changes.length === 0) return
      const wire: Wire = {
        node,
        changes: changes.map((c) => ({
          ...c,
          id: c.id.toString(),
          authorId: c.authorId.toString(),
        })),
      }
      try {
        await redis.publish(channel, JSON.stringify(wire))
      } catch (error) {
        log.warn({ err: error }, 'article changes not sent to other nodes')
      }
    },
    ready,
    async close() {
      closed = true
      subscriber.disconnect()
      await ready
    },
  }
}
