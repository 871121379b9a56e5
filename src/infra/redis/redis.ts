import { Cluster, Redis, type RedisOptions } from 'ioredis'

/** A single, Sentinel-managed or Cluster Redis connection. */
export type RedisClient = Redis | Cluster

// Fail fast while Redis is unreachable (callers fall back), reconnect forever in the background.
const resilience: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1000,
  connectTimeout: 2000,
  retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
}

/**
 * Opens Redis from a URL: `redis://[:pass@]host:port[/db]`, `rediss://…`,
 * `redis+sentinel://[:pass@]h1:p1,h2:p2/<master name>[/db]` or `redis+cluster://[:pass@]h1:p1,h2:p2`.
 */
export function createRedis(
  url: string,
  keyPrefix = '',
  /** For pub/sub connections: queue SUBSCRIBE until connected instead of failing it. */
  queueWhileOffline = false,
): RedisClient {
  // Commands issued in one tick leave in one write (a page's cache and counter reads): the
  // socket write per command was the largest cost of a cached read. Not for pub/sub connections.
  const base = {
    ...resilience,
    enableOfflineQueue: queueWhileOffline,
    enableAutoPipelining: !queueWhileOffline,
  }
  const options: RedisOptions = { ...base, keyPrefix, lazyConnect: true }
  if (url.startsWith('redis+cluster://')) {
    const { username, password, hosts } = splitMultiHostUrl(url, 6379)
    return new Cluster(hosts, {
      lazyConnect: true,
      keyPrefix,
      enableOfflineQueue: queueWhileOffline,
      enableAutoPipelining: !queueWhileOffline,
      redisOptions: { ...base, username, password },
    })
  }
  if (url.startsWith('redis+sentinel://')) {
    // Sentinels listen on 26379 unless told otherwise.
    const { username, password, hosts, path } = splitMultiHostUrl(url, 26379)
    const [name = 'mymaster', db = '0'] = path
    return new Redis({ ...options, sentinels: hosts, name, username, password, db: Number(db) })
  }
  return new Redis(url, options)
}

/**
 * Makes the copies `client.duplicate()` returns (the cache bus opens two) report their errors to
 * `onError`: ioredis prints every error event nobody listens to.
 */
export function onErrorOfDuplicates(client: RedisClient, onError: (error: Error) => void): void {
  const duplicate = client.duplicate.bind(client) as (...args: unknown[]) => RedisClient
  const patched = (...args: unknown[]) => {
    const copy = duplicate(...args)
    copy.on('error', onError)
    return copy
  }
  ;(client as { duplicate: unknown }).duplicate = patched
}

/** Connects, waiting at most `timeoutMs`; on failure the client keeps retrying in the background. */
export async function connectRedis(client: RedisClient, timeoutMs = 3000): Promise<boolean> {
  const ready = new Promise<boolean>((resolve) => {
    client.once('ready', () => resolve(true))
    setTimeout(() => resolve(false), timeoutMs).unref()
  })
  client.connect().catch(() => undefined)
  return ready
}

/**
 * Closes after sending what is queued. ioredis sends QUIT at once but auto-pipelined commands on
 * the next tick: quitting in the same tick would drop a fire-and-forget PUBLISH issued just before.
 */
export async function quitRedis(client: RedisClient): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve))
  await client.quit().catch(() => client.disconnect())
}

function splitMultiHostUrl(url: string, defaultPort: number) {
  const rest = url.slice(url.indexOf('://') + 3)
  const at = rest.lastIndexOf('@')
  const auth = at >= 0 ? rest.slice(0, at) : ''
  const [hostList = '', ...path] = rest.slice(at + 1).split('/')
  const colon = auth.indexOf(':')
  const decode = (text: string) => (text ? decodeURIComponent(text) : undefined)
  const username = decode(colon >= 0 ? auth.slice(0, colon) : auth)
  const password = colon >= 0 ? decode(auth.slice(colon + 1)) : undefined
  const hosts = hostList
    .split(',')
    .filter(Boolean)
    .map((entry) => {
      const [host = '127.0.0.1', port] = entry.split(':')
      return { host, port: port ? Number(port) : defaultPort }
    })
  return { username, password, hosts, path: path.filter(Boolean) }
}

/**
 * Deletes every key whose stored name starts with `prefix` (the client's own key prefix, or a
 * longer one), on every primary of a Cluster. SCAN neither applies nor strips keyPrefix, while
 * DEL adds it again, hence the slicing; one DEL per key, as keys of a Cluster span slots.
 */
export async function deleteKeysUnder(client: RedisClient, prefix: string): Promise<void> {
  if (client.status !== 'ready') return
  const nodes = client instanceof Cluster ? client.nodes('master') : [client]
  const own = (client.options.keyPrefix ?? '').length
  for (const node of nodes) {
    let cursor = '0'
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      cursor = next
      await Promise.all(keys.map((key) => client.del(key.slice(own))))
    } while (cursor !== '0')
  }
}
