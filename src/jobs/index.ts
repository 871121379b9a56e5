import type { Deps } from '../deps.js'
import { watchRedis } from './redis-watch.js'
import { JOBS } from './registry.js'
import { createJobLocks } from './runner.js'
import { startScheduler, type Scheduler } from './scheduler.js'

/** The background work of one process: the scheduler (when asked) and the Redis watch. */
export interface JobsRuntime {
  readonly scheduler: Scheduler | undefined
  stop(): Promise<void>
}

/**
 * Starts what this process does in the background: with `schedule`, every enabled job on its
 * cron (once per cluster); with Redis, always the Redis watch that repairs counters after a loss.
 */
export function startJobs(deps: Deps, options: { schedule: boolean }): JobsRuntime {
  const locks = createJobLocks(deps)
  const scheduler = options.schedule ? startScheduler(deps, JOBS, locks) : undefined
  const watch = watchRedis(deps, locks)
  return {
    scheduler,
    async stop() {
      await Promise.all([scheduler?.stop(), watch.stop()])
    },
  }
}
