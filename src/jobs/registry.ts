import { counterRepairJob } from './counter-repair.js'
import type { Job } from './job.js'
import type { JobName } from './names.js'
import { purgeJob } from './purge.js'
import { statsRollupJob } from './stats-rollup.js'

/** Every job, in the order `jobs list` shows them. */
export const JOBS: readonly Job[] = [counterRepairJob, purgeJob, statsRollupJob]

/** The job of that name, if any. */
export const findJob = (name: string): Job | undefined =>
  JOBS.find((job) => job.name === (name as JobName))
