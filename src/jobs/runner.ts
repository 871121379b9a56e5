import os from 'node:os'
import type { Deps } from '../deps.js'
import { LockLostError, type Job, type JobChanges, type RunCause } from './job.js'
import { memoryJobLocks, redisJobLocks, type JobLocks } from './lock.js'
import { recordEnd, recordStart } from './runs.repo.js'

/** How a run ended; `skipped` when another process had claimed it or was still running it. */
export type RunResult =
  | { outcome: 'ok'; changes: JobChanges }
  | { outcome: 'failed' | 'lost-lock'; changes: JobChanges; error: Error }
  | { outcome: 'skipped' }

type Finished = Exclude<RunResult, { outcome: 'skipped' }>

/** Host and process id, recorded with each run. */
export const NODE_NAME = `${os.hostname()}:${process.pid}`

/** Redis locks when Redis is configured, in-process ones when embedded. */
export function createJobLocks(deps: Pick<Deps, 'redis' | 'config'>): JobLocks {
  return deps.redis ? redisJobLocks(deps.redis, deps.config.jobs.lockTtlMs) : memoryJobLocks()
}

/**
 * Runs a job once for the whole cluster: takes its lock (and, for a scheduled run, claims that
 * run), records the run in SQL and on /metrics, and releases the lock.
 */
export async function runJob(
  deps: Deps,
  locks: JobLocks,
  job: Job,
  run: { cause: RunCause; due?: Date },
): Promise<RunResult> {
  const lock = await locks.acquire(job.name, run.cause === 'schedule' ? run.due : undefined)
  if (!lock) return { outcome: 'skipped' }
  const start = new Date()
  const log = deps.log.child({ job: job.name, cause: run.cause })
  let result: Finished
  try {
    const runId = await recordStart(deps.db.write, {
      job: job.name,
      cause: run.cause,
      node: NODE_NAME,
      start,
    })
    result = await execute(deps, job, {
      log,
      cause: run.cause,
      due: run.due ?? start,
      checkpoint: () => {
        if (lock.lost) throw new LockLostError(job.name)
      },
    })
    const error = result.outcome === 'ok' ? undefined : result.error.message
    await recordEnd(deps.db.write, runId, { ...result, error })
  } finally {
    await lock.release().catch((error: unknown) => log.warn({ err: error }, 'lock not released'))
  }
  const seconds = (Date.now() - start.getTime()) / 1000
  deps.metrics.jobRuns.inc({ job: job.name, outcome: result.outcome })
  deps.metrics.jobSeconds.observe({ job: job.name }, seconds)
  if (result.outcome === 'ok') {
    deps.metrics.jobLastSuccess.set({ job: job.name }, Date.now() / 1000)
    log.info({ changes: result.changes, seconds }, 'job done')
  } else {
    log.error({ err: result.error, seconds }, `job ${result.outcome}`)
  }
  return result
}

async function execute(
  deps: Deps,
  job: Job,
  context: Parameters<Job['run']>[1],
): Promise<Finished> {
  try {
    return { outcome: 'ok', changes: await job.run(deps, context) }
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught))
    const outcome = error instanceof LockLostError ? 'lost-lock' : 'failed'
    return { outcome, changes: {}, error }
  }
}
