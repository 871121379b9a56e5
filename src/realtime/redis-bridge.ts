import { createAdapter } from '@socket.io/redis-adapter'
import { Emitter } from '@socket.io/redis-emitter'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import { connectRedis, createRedis, quitRedis, type RedisClient } from '../infra/redis/redis.js'
import { redisParser } from './wire.js'

type BridgeConfig = Pick<Config, 'redisUrl' | 'redisPrefix'>

/**
 * The Redis pub/sub channel prefix. ioredis' keyPrefix does not apply to channels, so
 * REDIS_PREFIX goes into the name here: deployments (and test runs) sharing a Redis stay apart.
 */
export const channelKey = (config: Pick<Config, 'redisPrefix'>) => `${config.redisPrefix}socket.io`

/** The Socket.IO Redis adapter: sockets of every process join one broadcast bus. */
export async function redisAdapter(config: BridgeConfig, log: Logger) {
  const pub = open(config, log, false)
  const sub = open(config, log, true)
  await Promise.all([ready(pub, log), ready(sub, log)])
  const adapter = createAdapter(safeClient(pub, log), safeClient(sub, log), {
    key: channelKey(config),
    parser: redisParser,
  })
  return { adapter, close: () => quitAll([pub, sub]) }
}

/** An emitter for processes without sockets: it publishes on the adapter's bus. */
export async function redisEmitter(config: BridgeConfig, log: Logger) {
  const pub = open(config, log, false)
  await ready(pub, log)
  const emitter = new Emitter(safeClient(pub, log), {
    key: channelKey(config),
    parser: redisParser,
  })
  return { emitter, close: () => quitAll([pub]) }
}

function open(config: BridgeConfig, log: Logger, subscriber: boolean): RedisClient {
  if (!config.redisUrl) throw new Error('the realtime Redis bridge needs REDIS_URL')
  // Publishers fail fast while Redis is down (the push is lost, the request goes on); the
  // subscriber queues its SUBSCRIBE until connected (see safeClient for what may still fail).
  const client = createRedis(config.redisUrl, '', subscriber)
  client.on('error', (error: Error) => log.debug({ err: error.message }, 'realtime redis error'))
  return client
}

async function ready(client: RedisClient, log: Logger) {
  if (!(await connectRedis(client))) log.warn('realtime: redis unreachable; retrying in background')
}

async function quitAll(clients: RedisClient[]) {
  await Promise.all(clients.map(quitRedis))
}

// Pub/sub commands whose promises the adapter and the emitter never look at.
const FIRE_AND_FORGET = new Set([
  'publish',
  'spublish',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
])

/**
 * The adapter and the emitter ignore the promises of PUBLISH and SUBSCRIBE: a rejection (Redis
 * down, or a command timing out on a busy start) would be unhandled and end the process. This
 * view of the client catches them. A SUBSCRIBE that timed out still takes effect when its reply
 * comes, and ioredis subscribes again after every reconnect.
 */
function safeClient(client: RedisClient, log: Logger): RedisClient {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target)
      if (typeof value !== 'function' || property === 'constructor') return value
      const method = (value as (...args: unknown[]) => unknown).bind(target)
      if (typeof property !== 'string' || !FIRE_AND_FORGET.has(property)) return method
      return (...args: unknown[]) => {
        const result = method(...args)
        if (!(result instanceof Promise)) return result
        return result.catch((error: Error) => {
          log.warn({ err: error.message, command: property }, 'realtime: redis command failed')
        })
      }
    },
  })
}
