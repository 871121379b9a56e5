import closeWithGrace from 'close-with-grace'
import { Cron } from 'croner'
import type { Deps } from '../deps.js'
import { startJobs } from '../jobs/index.js'
import { findJob, JOBS } from '../jobs/registry.js'
import { lastRuns } from '../jobs/runs.repo.js'
import { createJobLocks, runJob } from '../jobs/runner.js'

/** What `headline jobs` accepts. */
export const JOBS_USAGE = `  jobs      run the scheduled jobs (once per cluster with Redis; several may run side by side)
  jobs list           each job's schedule, next run and last run (start, end, outcome, changes)
  jobs run <name>     run one job now in the foreground, printing what it changed`

/** True when the arguments after `jobs` are a valid sub-command. */
export function validJobsArgs(args: readonly string[]): boolean {
  if (args.length === 0) return true
  if (args[0] === 'list') return args.length === 1
  return args[0] === 'run' && args.length === 2
}

/** `headline jobs [list | run <name>]`; returns the exit code (undefined while the role runs). */
export async function jobsCommand(
  deps: Deps,
  args: readonly string[],
): Promise<number | undefined> {
  if (args[0] === 'list') {
    await listJobs(deps)
    await deps.close()
    return 0
  }
  if (args[0] === 'run') {
    const code = await runOne(deps, args[1] ?? '')
    await deps.close()
    return code
  }
  const runtime = startJobs(deps, { schedule: true })
  closeWithGrace({ delay: 10_000, logger: deps.log }, async ({ err }) => {
    if (err) deps.log.error({ err }, 'shutting down after an error')
    await runtime.stop()
    await deps.close()
  })
  const next = Object.fromEntries(runtime.scheduler?.nextRuns() ?? [])
  deps.log.info({ next, timezone: deps.config.jobs.timezone }, 'Headline jobs ready')
  return undefined
}

async function listJobs(deps: Deps): Promise<void> {
  const { schedules, timezone } = deps.config.jobs
  const last = await lastRuns(deps.db.read)
  const rows = JOBS.map((job) => {
    const pattern = schedules[job.name]
    const run = last.get(job.name)
    return {
      job: job.name,
      schedule: pattern ?? 'off',
      next: pattern ? (new Cron(pattern, { timezone }).nextRun()?.toISOString() ?? '') : '',
      'last start': run?.start ?? '',
      'last end': run?.end ?? '',
      outcome: run?.outcome ?? '',
      changes: run ? JSON.stringify(run.changes) : '',
    }
  })
  console.log(`time zone ${timezone}; times below are UTC`)
  console.table(rows)
}

async function runOne(deps: Deps, name: string): Promise<number> {
  const job = findJob(name)
  if (!job) {
    console.error(`no job named "${name}"; jobs: ${JOBS.map((j) => j.name).join(', ')}`)
    return 2
  }
  const result = await runJob(deps, createJobLocks(deps), job, { cause: 'manual' })
  if (result.outcome === 'skipped') {
    console.error(`${name} is running in another process; try again when it has finished`)
    return 1
  }
  console.log(JSON.stringify({ job: name, outcome: result.outcome, changes: result.changes }))
  if (result.outcome !== 'ok') console.error(result.error.message)
  return result.outcome === 'ok' ? 0 : 1
}
