import { randomBytes } from 'node:crypto'
import type { RedisClient } from '../infra/redis/redis.js'

/** A held job lock, renewed in the background until released. */
export interface HeldLock {
  /** True once the lease could not be renewed: another process may run the job now. */
  readonly lost: boolean
  /** Stops renewing; deletes the lock if still ours and marks the scheduled run done. */
  release(): Promise<void>
}

/** Once-per-cluster locks of jobs. */
export interface JobLocks {
  /**
   * Takes the job's lock for one run. With `due` (a scheduled run) the run itself is claimed too:
   * a run that one process claimed is never run again by another, even after the first finished.
   * Null when the run was claimed elsewhere or the job is still running.
   */
  acquire(job: string, due: Date | undefined): Promise<HeldLock | null>
}

// Claim: 1 = ours, 0 = this scheduled run was claimed already, -1 = the job is running elsewhere.
const ACQUIRE = `
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if ARGV[3] == '1' then redis.call('SET', KEYS[2], 'skipped', 'PX', ARGV[4]) end
  return -1
end
if ARGV[3] == '1' then redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[4]) end
return 1`
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`

// How long a claimed scheduled run is remembered (longer than any clock skew or late timer).
const CLAIM_MS = 24 * 3600_000

/** Redis locks: SET NX PX with a random token, renewed at a third of the lease, released by owner. */
export function redisJobLocks(redis: RedisClient, leaseMs: number): JobLocks {
  return {
    async acquire(job, due) {
      const token = randomBytes(16).toString('hex')
      // One hash tag per job keeps both keys in one slot of a Redis Cluster.
      const lockKey = `jobs:{${job}}:lock`
      const runKey = `jobs:{${job}}:run:${due?.toISOString() ?? 'manual'}`
      const claimed = await redis.eval(
        ACQUIRE,
        2,
        lockKey,
        runKey,
        token,
        leaseMs,
        due ? '1' : '0',
        CLAIM_MS,
      )
      if (Number(claimed) !== 1) return null
      return renewing(leaseMs, {
        renew: async () => Number(await redis.eval(RENEW, 1, lockKey, token, leaseMs)) === 1,
        release: async () => void (await redis.eval(RELEASE, 1, lockKey, token)),
      })
    },
  }
}

/** In-process locks for the embedded mode, where one process runs the jobs. */
export function memoryJobLocks(): JobLocks {
  const running = new Set<string>()
  const claimed = new Map<string, number>()
  return {
    async acquire(job, due) {
      const now = Date.now()
      for (const [key, until] of claimed) if (until < now) claimed.delete(key)
      const runKey = `${job}:${due?.toISOString()}`
      if (due && claimed.has(runKey)) return null
      if (due) claimed.set(runKey, now + CLAIM_MS)
      if (running.has(job)) return null
      running.add(job)
      return renewing(60_000, {
        renew: async () => true,
        release: async () => void running.delete(job),
      })
    },
  }
}

function renewing(
  leaseMs: number,
  backend: { renew(): Promise<boolean>; release(): Promise<void> },
): HeldLock {
  let lost = false
  let renewedAt = Date.now()
  const timer = setInterval(() => {
    backend.renew().then(
      (ours) => {
        if (ours) renewedAt = Date.now()
        else lost = true
      },
      // Redis unreachable: the lease may run out under us.
      () => {
        if (Date.now() - renewedAt >= leaseMs) lost = true
      },
    )
  }, leaseMs / 3)
  timer.unref()
  return {
    get lost() {
      return lost || Date.now() - renewedAt >= leaseMs
    },
    async release() {
      clearInterval(timer)
      await backend.release()
    },
  }
}
