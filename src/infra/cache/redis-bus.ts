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
 * subscription is logged and tried again when the subscriber reconnects. Pub/sub keeps nothing
 * for a subscriber away (an outage, a failover): `onResumed` runs each time one of the bus's
 * connections is back, for the node to forget what it may have missed deletes of.
 */
export function resilientRedisBus(connection: RedisClient, log: Logger, onResumed: () => void) {
  const base = redisBusDriver({ connection })
  return {
    options: base.options,
    factory: (config: unknown) => {
      const [created, copies] = duplicatesMadeBy(connection, () => base.factory(config))
      for (const copy of copies) afterEachReconnect(copy, onResumed)
      const transport = created as unknown as Transport
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

/** Runs `make`, returning what it made and the copies of `connection` it made on the way. */
function duplicatesMadeBy<T>(connection: RedisClient, make: () => T): [T, RedisClient[]] {
  const copies: RedisClient[] = []
  const own = Object.getOwnPropertyDescriptor(connection, 'duplicate')
  const duplicate = connection.duplicate.bind(connection) as (...args: unknown[]) => RedisClient
  const recording = (...args: unknown[]) => {
    const copy = duplicate(...args)
    copies.push(copy)
    return copy
  }
  ;(connection as { duplicate: unknown }).duplicate = recording
  try {
    return [make(), copies]
  } finally {
    if (own) Object.defineProperty(connection, 'duplicate', own)
    else delete (connection as { duplicate?: unknown }).duplicate
  }
}

function afterEachReconnect(client: RedisClient, callback: () => void): void {
  let connected = false
  client.on('ready', () => {
    if (connected) callback()
    connected = true
  })
}
