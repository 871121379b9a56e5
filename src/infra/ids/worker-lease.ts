import { randomBytes } from 'node:crypto'
import os from 'node:os'
import type { Logger } from 'pino'
import type { RedisClient } from '../redis/redis.js'
import type { Snowflake } from './snowflake.js'

/** A Snowflake worker id held in Redis, renewed in the background until released. */
export interface WorkerLease {
  /** The id held now, or undefined while none is (Redis unreachable, lease lost). */
  readonly workerId: number | undefined
  /** Stops renewing and frees the id for the next process. */
  release(): Promise<void>
}

export interface WorkerLeaseOptions {
  /** Tried first (WORKER_ID + worker index); then the next ids, wrapping at 31. */
  preferred: number
  /** How long a lease lasts without renewal; renewed every third of it. */
  ttlMs?: number
  log: Logger
}

/** Thrown when all 32 worker ids of the datacenter are leased. */
export class WorkerIdsExhaustedError extends Error {}

const WORKER_IDS = 32
// Ours: extend. Gone (Redis lost its data): take it back. Someone else's: lost.
const RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

/** The Redis key of one worker id of one datacenter. */
export const workerLeaseKey = (datacenterId: number, workerId: number) =>
  `ids:worker:${datacenterId}:${workerId}`

/**
 * Leases a worker id (`SET NX PX`, renewed) for `ids`, so two processes never mint with the same
 * datacenter and worker pair. The generator only mints while the last confirmed lease lasts: a
 * process cut off from Redis longer than the TTL refuses new ids rather than risk duplicates.
 * Throws when every id of the datacenter is leased by live processes.
 */
export async function leaseWorkerId(
  redis: RedisClient,
  ids: Snowflake,
  options: WorkerLeaseOptions,
): Promise<WorkerLease> {
  const { preferred, log } = options
  const ttlMs = options.ttlMs ?? 30_000
  const token = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  const dc = ids.datacenterId
  let held: number | undefined
  let stopped = false

  // The lease may have started a moment before the reply came back: count from the request.
  const confirm = (workerId: number, sentAt: number) => {
    if (held !== workerId) log.info({ datacenterId: dc, workerId }, 'snowflake worker id leased')
    held = workerId
    ids.useWorker(workerId, sentAt + ttlMs)
  }
  const acquire = async () => {
    for (let step = 0; step < WORKER_IDS; step++) {
      const workerId = (preferred + step) % WORKER_IDS
      const sentAt = Date.now()
      const key = workerLeaseKey(dc, workerId)
      if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK')
        return confirm(workerId, sentAt)
    }
    throw new WorkerIdsExhaustedError(
      `every Snowflake worker id (0-31) of datacenter ${dc} is leased by a live process; ` +
        'give this machine another DATACENTER_ID',
    )
  }
  const renew = async () => {
    if (held === undefined) return acquire()
    const sentAt = Date.now()
    const ours = await redis.eval(RENEW, 1, workerLeaseKey(dc, held), token, ttlMs)
    if (Number(ours) === 1) return confirm(held, sentAt)
    log.error(
      { datacenterId: dc, workerId: held },
      'snowflake worker id taken over; leasing another',
    )
    ids.useWorker(held, 0)
    held = undefined
    return acquire()
  }

  try {
    await acquire()
  } catch (error) {
    if (error instanceof WorkerIdsExhaustedError) throw error
    // Redis unreachable: no ids until a lease is confirmed.
    ids.useWorker(preferred, 0)
    log.warn({ err: error }, 'cannot lease a snowflake worker id yet; new ids wait for Redis')
  }
  const timer = setInterval(() => {
    renew().catch((error: unknown) => {
      if (!stopped) log.warn({ err: error }, 'snowflake worker id lease not renewed')
    })
  }, ttlMs / 3)
  timer.unref()
  return {
    get workerId() {
      return held
    },
    async release() {
      stopped = true
      clearInterval(timer)
      if (held === undefined) return
      await redis.eval(RELEASE, 1, workerLeaseKey(dc, held), token).catch(() => undefined)
      held = undefined
    },
  }
}
