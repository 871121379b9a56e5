import { Cluster, Redis } from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { createRedis, onErrorOfDuplicates, type RedisClient } from './redis.js'

const opened: RedisClient[] = []
const open = (...args: Parameters<typeof createRedis>) => {
  const client = createRedis(...args)
  opened.push(client)
  return client
}
const startupNodes = (cluster: Cluster) =>
  (cluster as unknown as { startupNodes: unknown }).startupNodes
afterEach(() => {
  for (const client of opened.splice(0)) client.disconnect()
})

describe('createRedis', () => {
  it('opens a single server from redis://, without connecting yet', () => {
    const client = open('redis://:p%40ss@cache.internal:6380/3', 'app:')
    expect(client).toBeInstanceOf(Redis)
    expect(client.status).toBe('wait')
    expect((client as Redis).options).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      password: 'p@ss',
      db: 3,
      keyPrefix: 'app:',
      lazyConnect: true,
      enableOfflineQueue: false,
    })
  })

  it('opens a Sentinel-managed master from redis+sentinel://', () => {
    const client = open('redis+sentinel://:pw@h1:1,h2:2/mymaster/2')
    expect(client).toBeInstanceOf(Redis)
    expect(client.status).toBe('wait')
    expect((client as Redis).options).toMatchObject({
      sentinels: [
        { host: 'h1', port: 1 },
        { host: 'h2', port: 2 },
      ],
      name: 'mymaster',
      password: 'pw',
      db: 2,
      lazyConnect: true,
    })
  })

  it('defaults the Sentinel master name, database and port, and reads a user name', () => {
    const client = open('redis+sentinel://app:s%3Acret@s1,s2:26380') as Redis
    expect(client.options).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      name: 'mymaster',
      db: 0,
      username: 'app',
      password: 's:cret',
    })
  })

  it('opens a cluster from redis+cluster://', () => {
    const client = open('redis+cluster://h1:1,h2:2', 'app:')
    expect(client).toBeInstanceOf(Cluster)
    expect(client.status).toBe('wait')
    const cluster = client as Cluster
    expect(startupNodes(cluster)).toEqual([
      { host: 'h1', port: 1 },
      { host: 'h2', port: 2 },
    ])
    expect(cluster.options).toMatchObject({ lazyConnect: true, keyPrefix: 'app:' })
    expect(cluster.options.redisOptions).toMatchObject({ password: undefined })
  })

  it('passes cluster credentials to every node', () => {
    const cluster = open('redis+cluster://:pw@h1:7000') as Cluster
    expect(startupNodes(cluster)).toEqual([{ host: 'h1', port: 7000 }])
    expect(cluster.options.redisOptions).toMatchObject({ password: 'pw' })
  })

  it('queues commands while offline only when asked (pub/sub connections)', () => {
    expect((open('redis://h:1') as Redis).options.enableOfflineQueue).toBe(false)
    expect((open('redis://h:1', '', true) as Redis).options.enableOfflineQueue).toBe(true)
  })
})

describe('onErrorOfDuplicates', () => {
  it('hands the errors of every duplicate to the listener', () => {
    const client = open('redis://h:1')
    const seen: string[] = []
    onErrorOfDuplicates(client, (error) => seen.push(error.message))
    const copy = client.duplicate()
    opened.push(copy)
    expect(copy.status).toBe('wait')
    copy.emit('error', new Error('boom'))
    expect(seen).toEqual(['boom'])
  })
})
