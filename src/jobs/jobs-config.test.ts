import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../config.js'

const run = promisify(execFile)

describe('job settings', () => {
  it('switches a job off, overrides a schedule and takes a time zone', () => {
    const { jobs } = loadConfig({
      JOBS_PURGE_CRON: 'off',
      JOBS_COUNTER_REPAIR_CRON: '*/5 * * * *',
      JOBS_TIMEZONE: 'Europe/Berlin',
    })
    expect(jobs.schedules).toEqual({
      'counter-repair': '*/5 * * * *',
      purge: null,
      'stats-rollup': '5 * * * *',
    })
    expect(jobs.timezone).toBe('Europe/Berlin')
  })

  it('runs jobs in serve without Redis, and only with JOBS=true when Redis is set', () => {
    expect(loadConfig({}).jobs.inServe).toBe(true)
    expect(loadConfig({ REDIS_URL: 'redis://r:6379' }).jobs.inServe).toBe(false)
    expect(loadConfig({ REDIS_URL: 'redis://r:6379', JOBS: 'true' }).jobs.inServe).toBe(true)
  })

  it('names a bad cron setting and a bad time zone', () => {
    let error: unknown
    try {
      loadConfig({ JOBS_STATS_ROLLUP_CRON: '61 * * * *', JOBS_TIMEZONE: 'Mars/Olympus' })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    const problems = (error as ConfigError).problems
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(/^JOBS_TIMEZONE must be an IANA time zone/)
    expect(problems[1]).toMatch(
      /^JOBS_STATS_ROLLUP_CRON must be "off" or a cron pattern such as "0 3 \* \* \*", got "61 \* \* \* \*"/,
    )
  })

  it('stops `serve` at start with the message when a cron setting is bad', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-cron-'))
    const main = path.resolve('src/main.ts')
    const failed = await run('npx', ['tsx', main, 'serve'], {
      env: { ...process.env, DATA_DIR: dataDir, JOBS_COUNTER_REPAIR_CRON: 'every night' },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    )
    fs.rmSync(dataDir, { recursive: true, force: true })
    expect(failed?.code).toBe(1)
    expect(failed?.stderr).toContain('Invalid configuration:')
    expect(failed?.stderr).toContain(
      'JOBS_COUNTER_REPAIR_CRON must be "off" or a cron pattern such as "0 3 * * *", got "every night"',
    )
  })
})
