import { randomBytes } from 'node:crypto'
import { RedisDriver, redisDriver } from 'bentocache/drivers/redis'
import { deleteKeysUnder, type RedisClient } from '../redis/redis.js'

type DriverConfig = ConstructorParameters<typeof RedisDriver>[0]

/** What the L2 layer asks of the cache around it. */
export interface L2Hooks {
  /** Keys a delete could not reach (Redis down): to be deleted again later. */
  onMissedDelete(keys: string[]): void
  /** The generation the load of `key` began at; null: the value must not reach L2. */
  generationOf(key: string): string | null
  /** A write of `key` was refused: a delete came after its load began. */
  onRefused(key: string): void
}

// Every L2 entry starts with its key's generation: `<gen>|<value>`, or `<gen>~` for a deleted
// key (a tombstone). A delete writes a new generation; a load writes back only if the
// generation it began at is still there, in one script, so an old value never follows a delete.
const GENERATION_LENGTH = 16
/** The generation of a key Redis holds nothing for. */
export const NO_GENERATION = '0'.repeat(GENERATION_LENGTH)
/** How long a tombstone outlives its delete; a load that takes longer never writes back. */
export const TOMBSTONE_MS = 60_000
const SET_IF_GENERATION = `
local current = redis.call('getrange', KEYS[1], 0, ${GENERATION_LENGTH - 1})
if current == '' then current = ARGV[3] end
if current ~= ARGV[1] then return 0 end
if ARGV[4] == '' then redis.call('set', KEYS[1], ARGV[1] .. '|' .. ARGV[2])
else redis.call('set', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[4]) end
return 1`

const newGeneration = () => randomBytes(GENERATION_LENGTH / 2).toString('hex')
const valueOf = (stored: string | null | undefined) =>
  stored && stored[GENERATION_LENGTH] === '|' ? stored.slice(GENERATION_LENGTH + 1) : undefined

/**
 * bentocache's Redis L2 driver with generations (see above) and deletes that fail loudly: its
 * own `deleteMany` pipelined the UNLINKs and ignored their errors, so a delete during an outage
 * looked done; its pipeline also cannot span Cluster slots. Every command names one key.
 */
class GuardedRedisDriver extends RedisDriver {
  constructor(
    config: DriverConfig,
    private readonly hooks: L2Hooks,
  ) {
    super(config)
  }

  /** The generation `key` has now. */
  async generation(key: string): Promise<string> {
    const head = await this.getConnection().getrange(this.getItemKey(key), 0, GENERATION_LENGTH - 1)
    return head === '' ? NO_GENERATION : head
  }

  override async get(key: string): Promise<string | undefined> {
    return valueOf(await this.getConnection().get(this.getItemKey(key)))
  }

  override async pull(key: string): Promise<string | undefined> {
    return valueOf(await this.getConnection().getdel(this.getItemKey(key)))
  }

  override async set(key: string, value: string, ttl?: number): Promise<boolean> {
    const generation = this.hooks.generationOf(key)
    if (generation === null) return false
    const itemKey = this.getItemKey(key)
    const args = [generation, value, NO_GENERATION, ttl ? String(Math.ceil(ttl)) : '']
    const written = (await this.getConnection().eval(SET_IF_GENERATION, 1, itemKey, ...args)) === 1
    if (!written) this.hooks.onRefused(key)
    return written
  }

  override async delete(key: string): Promise<boolean> {
    return this.deleteMany([key])
  }

  override async deleteMany(keys: string[]): Promise<boolean> {
    const connection = this.getConnection()
    try {
      await Promise.all(
        keys.map((key) =>
          connection.set(this.getItemKey(key), `${newGeneration()}~`, 'PX', TOMBSTONE_MS),
        ),
      )
      return true
    } catch (error) {
      this.hooks.onMissedDelete(keys)
      throw error
    }
  }

  // bentocache's own scanned one node of a Cluster and pipelined UNLINKs across slots.
  override async clear(): Promise<void> {
    const connection = this.getConnection()
    const own = connection.options.keyPrefix ?? ''
    await deleteKeysUnder(connection, `${own}${this.prefix && `${this.prefix}:`}`)
  }

  override namespace(namespace: string): RedisDriver {
    const prefix = this.createNamespacePrefix(namespace)
    const config = { ...this.config, connection: this.getConnection(), prefix }
    return new GuardedRedisDriver(config, this.hooks)
  }
}

/** The L2 layer on `connection`; `onCreated` receives the driver (to read generations). */
export function guardedRedisDriver(
  connection: RedisClient,
  prefix: string,
  hooks: L2Hooks,
  onCreated: (driver: { generation(key: string): Promise<string> }) => void,
) {
  const base = redisDriver({ connection, prefix })
  return {
    options: base.options,
    factory: (config: DriverConfig) => {
      const driver = new GuardedRedisDriver(config, hooks)
      onCreated(driver)
      return driver
    },
  }
}
