import { setTimeout as sleep } from 'node:timers/promises'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { TEST_REDIS_URL } from '../../../test/env.js'
import { openTestRedis, type TestRedis } from '../../../test/stores.js'
import { Snowflake, WorkerIdUnavailableError } from './snowflake.js'
import { leaseWorkerId, workerLeaseKey, type WorkerLease } from './worker-lease.js'

const log = pino({ level: 'silent' })
const workerBits = (id: bigint) => Number((id >> 12n) & 31n)
const until = async (done: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  for (const deadline = Date.now() + timeoutMs; !(await done()) && Date.now() < deadline;)
    await sleep(20)
}

describe.skipIf(!TEST_REDIS_URL)('Snowflake worker id lease', () => {
  let t: TestRedis
  const leases: WorkerLease[] = []
  beforeEach(async () => {
    t = await openTestRedis()
  })
  afterEach(async () => {
    await Promise.all(leases.splice(0).map((lease) => lease.release()))
    await t.close()
  })
  const lease = async (preferred: number, ttlMs = 30_000, datacenterId = 2) => {
    const ids = new Snowflake(datacenterId, 0)
    const held = await leaseWorkerId(t.redis, ids, { preferred, ttlMs, log })
    leases.push(held)
    return { ids, held }
  }

  it('gives processes that prefer one id distinct ids, and frees an id on release', async () => {
    const a = await lease(5)
    const b = await lease(5)
    expect(a.held.workerId).toBe(5)
    expect(b.held.workerId).toBe(6)
    expect(workerBits(a.ids.nextId())).toBe(5)
    expect(workerBits(b.ids.nextId())).toBe(6)
    expect(await t.raw.pttl(workerLeaseKey(2, 5))).toBeGreaterThan(0)
    await a.held.release()
    expect(await t.raw.exists(workerLeaseKey(2, 5))).toBe(0)
    expect((await lease(5)).held.workerId).toBe(5)
  })

  it('moves to a free id when another process took its id over', async () => {
    const a = await lease(3, 300)
    await t.raw.set(workerLeaseKey(2, 3), 'someone else', 'PX', 10_000)
    // Between losing id 3 and leasing the next one, it holds none.
    await until(() => a.held.workerId !== 3 && a.held.workerId !== undefined)
    expect(a.held.workerId).toBe(4)
    expect(workerBits(a.ids.nextId())).toBe(4)
  })

  it('takes its id back after Redis lost it, and keeps it leased past the TTL', async () => {
    const a = await lease(7, 300)
    await t.raw.del(workerLeaseKey(2, 7))
    await until(async () => (await t.raw.exists(workerLeaseKey(2, 7))) === 1)
    // Past the TTL: renewed, not expired.
    await sleep(400)
    expect(a.held.workerId).toBe(7)
    expect(await t.raw.get(workerLeaseKey(2, 7))).not.toBeNull()
    expect(workerBits(a.ids.nextId())).toBe(7)
  })

  it('refuses to start when all 32 ids of the datacenter are leased', async () => {
    for (let id = 0; id < 32; id++) await t.raw.set(workerLeaseKey(2, id), 'live', 'PX', 10_000)
    await expect(lease(0)).rejects.toThrow('every Snowflake worker id (0-31) of datacenter 2')
  })

  it('mints nothing until a lease is confirmed when Redis is unreachable', async () => {
    t.redis.disconnect()
    const a = await lease(1)
    expect(a.held.workerId).toBeUndefined()
    expect(() => a.ids.nextId()).toThrow(WorkerIdUnavailableError)
  })
})
