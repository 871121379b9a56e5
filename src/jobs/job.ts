import type { Logger } from 'pino'
import type { Deps } from '../deps.js'
import type { JobName } from './names.js'

/** What a run changed, by item (e.g. values corrected per counter, rows deleted per table). */
export type JobChanges = Record<string, number>

/** Why a run happened. */
export type RunCause = 'schedule' | 'manual' | 'redis-loss'

/** Given to a running job. */
export interface JobContext {
  readonly log: Logger
  readonly cause: RunCause
  /** When the run was due (its scheduled time, or its start when run by hand). */
  readonly due: Date
  /** Throws LockLostError once another process may have taken the job over: call between batches. */
  checkpoint(): void
}

/** One scheduled job (its default schedule is in names.ts): a name and a function of the deps. */
export interface Job {
  readonly name: JobName
  readonly description: string
  run(deps: Deps, context: JobContext): Promise<JobChanges>
}

/** The run's lock expired or was taken: the job stops at its next batch. */
export class LockLostError extends Error {
  constructor(job: string) {
    super(`lost the lock of job ${job}; stopping`)
  }
}
