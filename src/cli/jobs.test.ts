import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { COUNTERS } from '../infra/store/counters.js'
import { approvedArticles } from '../../test/interactions.js'

const exec = promisify(execFile)

describe('headline jobs list | run <name>', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t?.close())

  const cli = (...args: string[]) => {
    const { config } = t.deps
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATA_DIR: t.dataDir,
      JWT_SECRET: 'test-secret-with-enough-length',
      REDIS_PREFIX: t.redisPrefix,
    }
    if (config.databaseUrl) env['DATABASE_URL'] = config.databaseUrl
    if (config.redisUrl) env['REDIS_URL'] = config.redisUrl
    return exec('npx', ['tsx', path.resolve('src/main.ts'), 'jobs', ...args], { env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    )
  }

  it('runs a job in the foreground, prints what it changed, and lists it as last run', async () => {
    const [article] = await approvedArticles(t, 1)
    const likes = await t.deps.counters.raw.get(COUNTERS.articleLiking, article!.id)
    await t.deps.counters.raw.setMany(COUNTERS.articleLiking, [
      { id: article!.id, expected: likes, value: likes + 7 },
    ])

    const run = await cli('run', 'counter-repair')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const printed = JSON.parse(run.stdout)
    expect(printed).toMatchObject({
      job: 'counter-repair',
      outcome: 'ok',
      changes: { [COUNTERS.articleLiking]: 1, [COUNTERS.userArticles]: 0 },
    })
    expect(await t.deps.counters.get(COUNTERS.articleLiking, article!.id)).toBe(likes)

    const list = await cli('list')
    expect(list.code).toBe(0)
    expect(list.stdout).toContain('time zone Asia/Shanghai')
    const line = list.stdout.split('\n').find((l) => l.includes("'counter-repair'"))
    expect(line).toContain("'0 3 * * *'")
    expect(line).toContain("'ok'")
    expect(line).toContain('count:art:liking')
    expect(list.stdout.split('\n').find((l) => l.includes("'purge'"))).toContain("'30 * * * *'")
  }, 60_000)

  it('refuses an unknown job by name, listing the jobs', async () => {
    const run = await cli('run', 'nightly')
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(
      'no job named "nightly"; jobs: counter-repair, purge, stats-rollup',
    )
  }, 30_000)
})
