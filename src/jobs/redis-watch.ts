import type { Deps } from '../deps.js'
import type { MissedIncrements } from '../infra/store/counters.js'
import { counterRepairJob, repairMissed } from './counter-repair.js'
import type { JobLocks } from './lock.js'
import { NODE_NAME, runJob } from './runner.js'

/** Written once into a Redis that holds Headline's data; its absence means the data is gone. */
export const REDIS_MARKER_KEY = 'jobs:marker'

/** A running watcher. */
export interface RedisWatch {
  stop(): Promise<void>
}

/**
 * Every `JOBS_REDIS_WATCH_MS` this node (1) gives back to Redis what its own counter increments
 * missed during an outage, once Redis answers again, and (2) notices a Redis that lost its data
 * (restart without persistence, failover to an empty replica, FLUSHALL) by the missing marker:
 * the one node that writes the marker back runs `counter-repair` for the whole cluster.
 */
export function watchRedis(deps: Deps, locks: JobLocks): RedisWatch {
  const redis = deps.redis
  if (!redis) return { stop: async () => undefined }
  let pending: MissedIncrements = new Map()
  let busy: Promise<void> | undefined

  const repairDropped = async () => {
    const missed = merge(pending, deps.counters.takeMissed())
    if (missed.size === 0) return
    try {
      const changes = await repairMissed(deps, missed)
      pending = new Map()
      deps.log.info({ changes }, 'counters repaired after a Redis outage')
    } catch {
      pending = missed // still unreachable: try again at the next check
    }
  }
  const repairLoss = async () => {
    if ((await redis.set(REDIS_MARKER_KEY, NODE_NAME, 'NX')) !== 'OK') return
    deps.log.warn('Redis holds no marker (first start or data lost): repairing every counter')
    const result = await runJob(deps, locks, counterRepairJob, { cause: 'redis-loss' })
    // Not repaired (another run held the lock, or it failed): let the next check try again.
    if (result.outcome !== 'ok') await redis.del(REDIS_MARKER_KEY)
  }
  const check = async () => {
    await repairDropped()
    await repairLoss().catch((error: unknown) =>
      deps.log.debug({ err: error }, 'Redis check failed'),
    )
  }
  const tick = () => {
    if (busy) return
    busy = check().finally(() => (busy = undefined))
  }
  tick()
  const timer = setInterval(tick, deps.config.jobs.redisWatchMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await busy
    },
  }
}

function merge(a: MissedIncrements, b: MissedIncrements): MissedIncrements {
  for (const [name, ids] of b) {
    const into = a.get(name) ?? new Map<bigint, number>()
    for (const [id, by] of ids) into.set(id, (into.get(id) ?? 0) + by)
    a.set(name, into)
  }
  return a
}
