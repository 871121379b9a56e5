/** The jobs Headline schedules, with their default cron patterns (configuration may override them). */
export const JOB_SCHEDULES = {
  'counter-repair': '0 3 * * *',
  purge: '30 * * * *',
  // Minute 5 of each hour rolls up the hour before; the 00:05 run also closes the day before.
  'stats-rollup': '5 * * * *',
} as const

/** A job's name. */
export type JobName = keyof typeof JOB_SCHEDULES

/** Every job name. */
export const JOB_NAMES = Object.keys(JOB_SCHEDULES) as JobName[]

/** The environment variable that overrides a job's schedule: `JOBS_COUNTER_REPAIR_CRON`. */
export const cronVariable = (name: JobName) => `JOBS_${name.toUpperCase().replace(/-/g, '_')}_CRON`
