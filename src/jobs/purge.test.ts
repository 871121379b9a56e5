import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { fileTraceLog } from '../infra/events/trace-log.js'
import { hourOf } from '../infra/store/activity.js'
import { purgeJob } from './purge.js'
import { createJobLocks, runJob } from './runner.js'

const DAY = 24 * 3_600_000

describe('purge', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t?.close())

  it('deletes expired SQL state and trace logs past the retention, and keeps the rest', async () => {
    const now = Date.now()
    const embedded = t.deps.redis === undefined
    if (embedded) {
      await t.deps.db.write
        .insertInto('headline_sms_code')
        .values([
          { scope: 'login', mobile: '13000000001', code: '111111', expires_at: now - 1000 },
          { scope: 'login', mobile: '13000000002', code: '222222', expires_at: now + 600_000 },
        ])
        .execute()
      await t.deps.db.write
        .insertInto('headline_rate_counter')
        .values([
          { counter_key: 'gone', hits: 3, expires_at: now - 1000 },
          { counter_key: 'live', hits: 3, expires_at: now + 60_000 },
        ])
        .execute()
      await t.deps.db.write
        .insertInto('headline_sorted_set')
        .values([
          { set_key: 'reco:shown:d:gone', member: '1', score: 1, expires_at: now - 1000 },
          { set_key: 'reco:shown:d:live', member: '1', score: 1, expires_at: now + 60_000 },
        ])
        .execute()
    }
    const old = now - 10 * DAY
    await t.deps.activity.record({ kind: 'read', userId: 1n }, old)
    await t.deps.activity.record({ kind: 'read', userId: 1n }, now)
    const logs = path.join(t.dataDir, 'logs')
    fs.mkdirSync(logs, { recursive: true })
    const expired = path.join(logs, 'trace-2020-01-01.log')
    const recent = path.join(logs, 'trace-2020-01-02.log')
    for (const file of [expired, recent]) fs.writeFileSync(file, '{}\n')
    fs.utimesSync(expired, new Date(now - 15 * DAY), new Date(now - 15 * DAY))

    const result = await runJob(t.deps, createJobLocks(t.deps), purgeJob, { cause: 'manual' })
    expect(result.outcome).toBe('ok')
    expect(result.outcome === 'ok' && result.changes['trace log files']).toBe(1)
    expect(fs.existsSync(expired)).toBe(false)
    expect(fs.existsSync(recent)).toBe(true)
    expect((await t.deps.activity.hour(hourOf(now))).reads).toBe(1)
    if (embedded) {
      expect(result.outcome === 'ok' && result.changes).toMatchObject({
        'sms codes': 1,
        'rate-limit rows': 1,
        'device state rows': 1,
      })
      const rates = await t.deps.db.read
        .selectFrom('headline_rate_counter')
        .select('counter_key')
        .execute()
      expect(rates.map((row) => row.counter_key)).toEqual(['live'])
      const devices = await t.deps.db.read
        .selectFrom('headline_sorted_set')
        .select('set_key')
        .where('set_key', 'like', 'reco:shown:d:%')
        .execute()
      expect(devices.map((row) => row.set_key)).toEqual(['reco:shown:d:live'])
      const codes = await t.deps.db.read.selectFrom('headline_sms_code').select('mobile').execute()
      expect(codes.map((row) => row.mobile)).toEqual(['13000000002'])
      expect((await t.deps.activity.hour(hourOf(old))).reads).toBe(0)
    } else {
      // Redis keeps an hour's activity 8 days, by TTL.
      const ttl = await t.deps.redis!.ttl(`stats:${String(hourOf(now)).padStart(6, '0')}:events`)
      expect(ttl).toBeGreaterThan(7 * 24 * 3600)
    }
  })
})

describe('trace log rotation', () => {
  it('moves the day before into trace-<day>.log on the first line of a new day', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-trace-'))
    let now = Date.parse('2026-11-29T23:59:00Z')
    const log = fileTraceLog(dir, () => now)
    log.write({ n: 1 })
    await vi.waitFor(() =>
      expect(fs.readFileSync(path.join(dir, 'trace.log'), 'utf8')).toContain('"n":1'),
    )
    now += 120_000
    log.write({ n: 2 })
    log.close()
    await vi.waitFor(() => {
      const lines = (name: string) =>
        fs.readFileSync(path.join(dir, name), 'utf8').trim().split('\n')
      expect(lines('trace-2026-11-29.log').map((line) => JSON.parse(line).n)).toEqual([1])
      expect(lines('trace.log').map((line) => JSON.parse(line).n)).toEqual([2])
    })
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
