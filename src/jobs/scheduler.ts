import { Cron } from 'croner'
import type { Deps } from '../deps.js'
import type { Job } from './job.js'
import type { JobLocks } from './lock.js'
import { runJob } from './runner.js'

/** A running scheduler. */
export interface Scheduler {
  /** The next scheduled time of each enabled job. */
  nextRuns(): Map<string, Date | null>
  /** Stops scheduling and waits for runs in progress to end. */
  stop(): Promise<void>
}

/**
 * The time a tick was scheduled for. Croner calls back at or just after it, so the latest
 * scheduled time up to a second from now is the one due; every process computes the same one.
 */
export function dueTime(cron: Cron, now = Date.now()): Date {
  return cron.previousRuns(1, new Date(now + 1000))[0] ?? new Date(now)
}

/** Schedules the jobs with croner in the configured time zone; each run goes through runJob. */
export function startScheduler(deps: Deps, jobs: readonly Job[], locks: JobLocks): Scheduler {
  const { timezone, schedules } = deps.config.jobs
  const running = new Set<Promise<unknown>>()
  const crons = new Map<string, Cron>()
  for (const job of jobs) {
    const pattern = schedules[job.name]
    if (pattern === null) continue
    const cron: Cron = new Cron(pattern, { timezone, protect: true }, async () => {
      const run = runJob(deps, locks, job, { cause: 'schedule', due: dueTime(cron) }).catch(
        (error: unknown) => deps.log.error({ err: error, job: job.name }, 'job run not recorded'),
      )
      running.add(run)
      await run
      running.delete(run)
    })
    crons.set(job.name, cron)
  }
  return {
    nextRuns: () => new Map([...crons].map(([name, cron]) => [name, cron.nextRun()])),
    async stop() {
      for (const cron of crons.values()) cron.stop()
      await Promise.all(running)
    },
  }
}
