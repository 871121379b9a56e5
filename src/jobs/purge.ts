import fs from 'node:fs/promises'
import path from 'node:path'
import type { Deps } from '../deps.js'
import { hourOf } from '../infra/store/activity.js'
import { TRACE_LOG_ROTATED } from '../infra/events/trace-log.js'
import type { Job, JobChanges } from './job.js'
import { purgeRateCounters } from '../infra/store/rate-counters.sql.js'
import { purgeSmsCodes } from '../infra/store/sms-codes.sql.js'
import { deleteExpiredSortedSetRows } from './purge.repo.js'

type PurgeDeps = Pick<Deps, 'db' | 'redis' | 'activity' | 'config'>

const DAY_MS = 24 * 3_600_000
/** Hourly activity is rolled up within a day; a week of it is kept to roll up again. */
const ACTIVITY_KEEP_HOURS = 8 * 24

/** Deletes rotated trace-log files (`trace-YYYY-MM-DD.log`) older than the retention. */
export async function purgeTraceLogs(dir: string, retentionDays: number, now = Date.now()) {
  const names = await fs.readdir(dir).catch(() => [] as string[])
  let deleted = 0
  for (const name of names) {
    if (!TRACE_LOG_ROTATED.test(name)) continue
    const file = path.join(dir, name)
    const stat = await fs.stat(file).catch(() => null)
    if (stat && now - stat.mtimeMs > retentionDays * DAY_MS) {
      await fs.rm(file, { force: true })
      deleted += 1
    }
  }
  return deleted
}

/** What outlived its use: expired SQL-stored state (embedded mode) and old trace logs. */
export async function purge(deps: PurgeDeps, now = Date.now()): Promise<JobChanges> {
  const changes: JobChanges = {}
  // Redis expires these keys by itself; the SQL stand-ins need deleting.
  if (!deps.redis) {
    changes['sms codes'] = await purgeSmsCodes(deps.db.write, now)
    changes['rate-limit rows'] = await purgeRateCounters(deps.db.write, now)
    changes['device state rows'] = await deleteExpiredSortedSetRows(deps.db.write, now)
    changes['activity rows'] = await deps.activity.forgetBefore(hourOf(now) - ACTIVITY_KEEP_HOURS)
  }
  changes['trace log files'] = await purgeTraceLogs(
    path.join(deps.config.dataDir, 'logs'),
    deps.config.jobs.traceLogRetentionDays,
    now,
  )
  return changes
}

/** Hourly clean-up. */
export const purgeJob: Job = {
  name: 'purge',
  description:
    'deletes expired SMS codes, rate-limit rows, device state and activity rows (embedded mode) and old trace logs',
  run: (deps) => purge(deps),
}
