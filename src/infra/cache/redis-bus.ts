import { redisBusDriver } from 'bentocache/drivers/redis'
import type { Logger } from 'pino'
import type { RedisClient } from '../redis/redis.js'

type Subscribe = (channel: string, handler: (message: unknown) => void) => Promise<void>
interface Transport {
  subscribe: Subscribe
  onReconnect(callback: () => void): void
}

/**
 * bentocache's Redis bus, with its subscription looked after: bentocache starts it without
 * waiting or catching, so a connection closed or failing before SUBSCRIBE went through was an
 * unhandled rejection, and the node then never heard another node's deletes. A failed
 * subscription is logged and tried again when the subscriber reconnects.
 */
export function resilientRedisBus(connection: RedisClient, log: Logger) {
  const base = redisBusDriver({ connection })
  return {
    options: base.options,
    factory: (config: unknown) => {
      const transport = base.factory(config) as unknown as Transport
      const subscribe = transport.subscribe.bind(transport)
      const retries = new Map<string, () => Promise<void>>()
      transport.onReconnect(() => {
        for (const [channel, retry] of retries) {
          retries.delete(channel)
          retry().catch(() => undefined)
        }
      })
      const attempt: Subscribe = (channel, handler) => {
        const subscribed = subscribe(channel, handler)
        subscribed.catch((error: unknown) => {
          log.warn({ err: error, channel }, 'cache bus subscription failed; retrying on reconnect')
          retries.set(channel, () => attempt(channel, handler))
        })
        return subscribed
      }
      transport.subscribe = attempt
      return transport as unknown as ReturnType<typeof base.factory>
    },
  }
}
