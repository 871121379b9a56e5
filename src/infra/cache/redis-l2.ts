import { RedisDriver, redisDriver } from 'bentocache/drivers/redis'
import type { RedisClient } from '../redis/redis.js'

type DriverConfig = ConstructorParameters<typeof RedisDriver>[0]

/**
 * bentocache's Redis L2 driver with deletes that fail loudly. Its own `deleteMany` pipelines
 * the UNLINKs and ignores their errors, so a delete during a Redis outage looked done and the
 * old value came back from Redis afterwards; its pipeline also cannot span Cluster slots.
 */
class InvalidatingRedisDriver extends RedisDriver {
  constructor(
    config: DriverConfig,
    private readonly onMissedDelete: (keys: string[]) => void,
  ) {
    super(config)
  }

  override async delete(key: string): Promise<boolean> {
    return this.deleteMany([key])
  }

  override async deleteMany(keys: string[]): Promise<boolean> {
    const connection = this.getConnection()
    try {
      await Promise.all(keys.map((key) => connection.unlink(this.getItemKey(key))))
      return true
    } catch (error) {
      this.onMissedDelete(keys)
      throw error
    }
  }

  override namespace(namespace: string): RedisDriver {
    const prefix = this.createNamespacePrefix(namespace)
    const config = { ...this.config, connection: this.getConnection(), prefix }
    return new InvalidatingRedisDriver(config, this.onMissedDelete)
  }
}

/** The L2 layer on `connection`; `onMissedDelete` gets the keys a delete could not remove. */
export function invalidatingRedisDriver(
  connection: RedisClient,
  prefix: string,
  onMissedDelete: (keys: string[]) => void,
) {
  const base = redisDriver({ connection, prefix })
  return {
    options: base.options,
    factory: (config: DriverConfig) => new InvalidatingRedisDriver(config, onMissedDelete),
  }
}
