import type { Kysely } from 'kysely'
import type { Database } from '../infra/db/schema.js'
import { sqlDateTime, toId } from '../infra/db/values.js'
import type { JobChanges, RunCause } from './job.js'

type Db = Kysely<Database>

/** A recorded run, as `jobs list` shows it. */
export interface RunRecord {
  job: string
  cause: string
  node: string
  start: string
  end: string | null
  outcome: string
  changes: JobChanges
  error: string | null
}

/** Records that a run started; returns its id. */
export async function recordStart(
  db: Db,
  run: { job: string; cause: RunCause; node: string; start: Date },
): Promise<bigint> {
  const result = await db
    .insertInto('headline_job_run')
    .values({
      job: run.job,
      cause: run.cause,
      node: run.node,
      start_time: sqlDateTime(run.start),
      outcome: 'running',
    })
    .executeTakeFirstOrThrow()
  return toId(result.insertId ?? 0n)
}

/** Records how a run ended. */
export async function recordEnd(
  db: Db,
  runId: bigint,
  end: { outcome: 'ok' | 'failed' | 'lost-lock'; changes: JobChanges; error?: string },
): Promise<void> {
  await db
    .updateTable('headline_job_run')
    .set({
      end_time: sqlDateTime(),
      outcome: end.outcome,
      changes: JSON.stringify(end.changes),
      error: end.error?.slice(0, 500) ?? null,
    })
    .where('run_id', '=', runId.toString())
    .execute()
}

/** The latest run of each job. */
export async function lastRuns(db: Db): Promise<Map<string, RunRecord>> {
  const latest = db
    .selectFrom('headline_job_run')
    .select((eb) => ['job', eb.fn.max('run_id').as('run_id')])
    .groupBy('job')
  const rows = await db
    .selectFrom('headline_job_run as r')
    .innerJoin(latest.as('l'), 'l.run_id', 'r.run_id')
    .selectAll('r')
    .execute()
  return new Map(
    rows.map((row) => [
      row.job,
      {
        job: row.job,
        cause: row.cause,
        node: row.node,
        start: row.start_time,
        end: row.end_time,
        outcome: row.outcome,
        changes: row.changes ? (JSON.parse(row.changes) as JobChanges) : {},
        error: row.error,
      },
    ]),
  )
}
