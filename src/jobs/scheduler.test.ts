import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { TEST_REDIS_URL } from '../../test/env.js'
import type { Job, JobContext } from './job.js'
import type { JobLocks } from './lock.js'
import { createJobLocks, runJob } from './runner.js'
import { startScheduler, type Scheduler } from './scheduler.js'

// A job that fires every second and records who ran which scheduled time.
const EVERY_SECOND = { JOBS_STATS_ROLLUP_CRON: '* * * * * *', JOBS_LOCK_TTL_MS: '1500' }
type Run = { node: string; due: number }

function probe(node: string, runs: Run[], body?: () => Promise<void>): Job {
  return {
    name: 'stats-rollup',
    description: 'test probe',
    async run(_deps, context: JobContext) {
      runs.push({ node, due: context.due.getTime() })
      await body?.()
      return { runs: 1 }
    },
  }
}

/** Locks that note whether each attempt got the lock. */
function counting(locks: JobLocks, attempts: string[]): JobLocks {
  return {
    async acquire(job, due) {
      const held = await locks.acquire(job, due)
      attempts.push(held ? 'ran' : 'skipped')
      return held
    },
  }
}

describe('scheduler', () => {
  let a: TestApp
  const schedulers: Scheduler[] = []
  beforeAll(async () => {
    a = await buildTestApp({ env: EVERY_SECOND })
  })
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()))
  })
  afterAll(() => a?.close())

  it('runs a due job on its schedule and records each run', async () => {
    const runs: Run[] = []
    schedulers.push(startScheduler(a.deps, [probe('a', runs)], createJobLocks(a.deps)))
    await vi.waitFor(() => expect(runs.length).toBeGreaterThanOrEqual(2), 10_000)
    expect(runs[1]!.due - runs[0]!.due).toBeGreaterThanOrEqual(1000)
    const metrics = await a.app.inject({ url: '/metrics' })
    expect(metrics.body).toMatch(/headline_job_runs_total\{job="stats-rollup",outcome="ok"\} [1-9]/)
  })

  it('never runs one scheduled time twice, even after the first run has finished', async () => {
    const runs: Run[] = []
    const locks = createJobLocks(a.deps)
    const due = new Date(Date.UTC(2030, 0, 1, 3))
    const first = await runJob(a.deps, locks, probe('a', runs), { cause: 'schedule', due })
    expect(first.outcome).toBe('ok')
    const again = await runJob(a.deps, locks, probe('a', runs), { cause: 'schedule', due })
    expect(again.outcome).toBe('skipped')
    const next = new Date(due.getTime() + 1000)
    expect(
      (await runJob(a.deps, locks, probe('a', runs), { cause: 'schedule', due: next })).outcome,
    ).toBe('ok')
    expect(runs.map((run) => run.due)).toEqual([due.getTime(), next.getTime()])
  })

  describe.skipIf(!TEST_REDIS_URL)('two processes on one Redis', () => {
    let b: TestApp
    beforeAll(async () => {
      b = await buildTestApp({ shareWith: a, env: EVERY_SECOND })
    })
    afterAll(() => b?.close())

    it('runs each due time once between them', async () => {
      const runs: Run[] = []
      const attempts: string[] = []
      schedulers.push(
        startScheduler(a.deps, [probe('a', runs)], counting(createJobLocks(a.deps), attempts)),
        startScheduler(b.deps, [probe('b', runs)], counting(createJobLocks(b.deps), attempts)),
      )
      await vi.waitFor(() => expect(runs.length).toBeGreaterThanOrEqual(4), 15_000)
      await Promise.all(schedulers.splice(0).map((s) => s.stop()))
      const dues = runs.map((run) => run.due)
      expect(new Set(dues).size).toBe(dues.length)
      // Both fired each tick; one of them ran it.
      expect(attempts.filter((x) => x === 'ran')).toHaveLength(runs.length)
      expect(attempts.filter((x) => x === 'skipped').length).toBeGreaterThanOrEqual(runs.length - 1)
    })

    it('a run claimed by one process is not run by the other after it finished', async () => {
      const runs: Run[] = []
      const due = new Date(Date.UTC(2030, 0, 2, 3))
      const job = probe('a', runs)
      expect(
        (await runJob(a.deps, createJobLocks(a.deps), job, { cause: 'schedule', due })).outcome,
      ).toBe('ok')
      expect(
        (await runJob(b.deps, createJobLocks(b.deps), job, { cause: 'schedule', due })).outcome,
      ).toBe('skipped')
      expect(runs).toHaveLength(1)
    })

    it('when the holder dies mid-run, the other process takes a later run once the lease expires', async () => {
      // A "dies" holding the lock: it never renews nor releases it (its Redis connection is gone).
      // Its lease outlasts B's start-up and first tick even on a loaded machine.
      const doomed = await buildTestApp({
        shareWith: a,
        env: { ...EVERY_SECOND, JOBS_LOCK_TTL_MS: '4000' },
      })
      const held = await createJobLocks(doomed.deps).acquire('stats-rollup', new Date())
      expect(held).not.toBeNull()
      doomed.deps.redis!.disconnect()

      const runs: Run[] = []
      const attempts: string[] = []
      schedulers.push(
        startScheduler(b.deps, [probe('b', runs)], counting(createJobLocks(b.deps), attempts)),
      )
      await vi.waitFor(() => expect(runs.length).toBeGreaterThanOrEqual(1), 15_000)
      // B fired while the dead holder's lease lasted and was refused, then ran.
      expect(attempts[0]).toBe('skipped')
      expect(attempts.at(-1)).toBe('ran')
      expect(held!.lost).toBe(true)
      await held!.release().catch(() => undefined)
      await doomed.close().catch(() => undefined)
    })
  })
})
