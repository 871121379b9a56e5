import type { RedisClient } from '../redis/redis.js'
import type { CounterStore } from './counters.js'

// Compare-and-set of several members: ARGV = id, expected, value, id, expected, value, …
const SET_IF_UNCHANGED = `
local written = 0
for i = 1, #ARGV, 3 do
  local current = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[i]) or '0')
  if current == tonumber(ARGV[i + 1]) then
    if tonumber(ARGV[i + 2]) == 0 then
      redis.call('ZREM', KEYS[1], ARGV[i])
    else
      redis.call('ZADD', KEYS[1], ARGV[i + 2], ARGV[i])
    end
    written = written + 1
  end
end
return written`

/** Counters in the original's Redis sorted sets. */
export function redisCounters(redis: RedisClient): CounterStore {
  // Until a server answers that it does not know ZMSCORE.
  let hasZmscore = true
  const score = async (name: string, id: bigint) =>
    Number((await redis.zscore(name, id.toString())) ?? 0)
  return {
    get: score,
    /**
     * One ZMSCORE (Redis 6.2+); before 6.2, one ZSCORE per id, sent together with whatever else
     * this tick issues (auto-pipelining). One key, so one slot of a Cluster. 0 when uncounted.
     */
    async getMany(name, ids) {
      if (ids.length === 0) return []
      const members = ids.map((id) => id.toString())
      if (hasZmscore) {
        try {
          return (await redis.zmscore(name, ...members)).map((value) => Number(value ?? 0))
        } catch (error) {
          if (!isUnknownCommand(error)) throw error
          hasZmscore = false
        }
      }
      const values = await Promise.all(members.map((member) => redis.zscore(name, member)))
      return values.map((value) => Number(value ?? 0))
    },
    // Several sets live on several Cluster nodes, which one pipeline cannot reach.
    getEach: (names, id) => Promise.all(names.map((name) => score(name, id))),
    async incr(name, id, by = 1) {
      return Number(await redis.zincrby(name, by, id.toString()))
    },
    async add(name, id, by = 1) {
      await redis.zincrby(name, by, id.toString())
    },
    async scan(name, cursor, limit) {
      const [next, flat] = await redis.zscan(name, cursor ?? '0', 'COUNT', limit)
      const entries: [bigint, number][] = []
      for (let i = 0; i < flat.length; i += 2) {
        // A member that is not an id was never written by Headline: report it as id 0.
        const member = flat[i]!
        entries.push([/^\d+$/.test(member) ? BigInt(member) : 0n, Number(flat[i + 1])])
      }
      return { entries, next: next === '0' ? null : next }
    },
    async setMany(name, writes) {
      if (writes.length === 0) return 0
      const args = writes.flatMap((w) => [w.id.toString(), w.expected, w.value])
      return Number(await redis.eval(SET_IF_UNCHANGED, 1, name, ...args))
    },
  }
}

// Redis before 6.2: `ERR unknown command 'zmscore'` (the wording varies between versions).
const isUnknownCommand = (error: unknown) =>
  error instanceof Error && /unknown command/i.test(error.message)
