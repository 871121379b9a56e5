import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { TEST_REDIS_URL } from '../../../test/env.js'
import { send, type Headers } from '../../../test/inject.js'
import { login } from '../../../test/login.js'
import {
  MARIADBD,
  startReplicationPair,
  type ReplicationPair,
} from '../../../test/mariadb-replication.js'
import { superAdmin } from '../../../test/mis.js'

const WINDOW_MS = 1000
const settle = { timeout: 15_000, interval: 100 }

// A real primary and a real binlog replica; the replica's lag is made by pausing its SQL thread.
describe.skipIf(!MARIADBD)('read replicas (MariaDB primary + GTID replica)', () => {
  let pair: ReplicationPair
  let t: TestApp
  let writer: Headers
  let reader: Headers
  let words = 0

  const env = () => ({
    DATABASE_REPLICA_URLS: `${pair.replicaUrl}headline`,
    DATABASE_READ_YOUR_WRITES_MS: String(WINDOW_MS),
  })

  beforeAll(async () => {
    pair = await startReplicationPair()
    await pair.query('primary', 'CREATE DATABASE headline CHARACTER SET utf8mb4')
    t = await buildTestApp({ databaseUrl: `${pair.primaryUrl}headline`, env: env() })
    writer = (await superAdmin(t, 'writer')).auth
    reader = (await superAdmin(t, 'reader')).auth
    await pair.caughtUp()
    // Logging in is a write: let those windows end so both start on the replica.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS))
  }, 60_000)
  afterEach(async () => {
    await pair.startReplica()
    await pair.resumeApplying()
    await pair.caughtUp()
  })
  afterAll(async () => {
    await t?.close()
    await pair?.close()
  })

  /** An administrator adds a sensitive word; its id. */
  const addWord = async (app = t.app) => {
    const response = await send(app, 'POST', '/mis/v1_0/sensitive_words', writer, {
      word: `replicated-${++words}`,
      weights: 1,
    })
    expect(response.statusCode).toBe(201)
    return response.json().data.id as number
  }
  /** Whether `who` finds the word (the route reads through the replicas). */
  const findsWord = async (who: Headers, id: number, app = t.app) => {
    const response = await send(app, 'GET', `/mis/v1_0/sensitive_words/${id}`, who)
    expect([200, 403]).toContain(response.statusCode)
    return response.statusCode === 200
  }
  const readiness = async () => (await send(t.app, 'GET', '/readyz')).json()

  it('reads go to the replica; the writer reads its own write at once, until the window ends', async () => {
    await pair.pauseApplying()
    const id = await addWord()
    expect(await findsWord(writer, id)).toBe(true)
    // The replica has received the row but not applied it: other readers do not see it yet.
    expect(await findsWord(reader, id)).toBe(false)
    // Once the window is over, the writer is back on the (still lagging) replica.
    await vi.waitFor(async () => expect(await findsWord(writer, id)).toBe(false), settle)
    await pair.resumeApplying()
    await vi.waitFor(async () => expect(await findsWord(reader, id)).toBe(true), settle)
  })

  it('a user edits their profile and reads it back at once while the replica lags', async () => {
    const user = await login(t.app, '13700000001')
    await pair.caughtUp()
    await pair.pauseApplying()
    const patch = await send(t.app, 'PATCH', '/v1_0/user/profile', user.auth, { name: '新名字' })
    expect(patch.statusCode).toBe(201)
    const own = await send(t.app, 'GET', '/v1_0/user/profile', user.auth)
    expect(own.json().data.name).toBe('新名字')
    // An administrator reading the user through the replica still sees the old name.
    const seen = await send(t.app, 'GET', `/mis/v1_0/users/${user.userId}`, reader)
    expect(seen.statusCode).toBe(200)
    expect(seen.json().data.name).not.toBe('新名字')
    await pair.resumeApplying()
    await vi.waitFor(async () => {
      const later = await send(t.app, 'GET', `/mis/v1_0/users/${user.userId}`, reader)
      expect(later.json().data.name).toBe('新名字')
    }, settle)
  })

  it('a write request reads the primary: a channel created a moment ago can be picked', async () => {
    const user = await login(t.app, '13700000002')
    await pair.pauseApplying()
    const created = await send(t.app, 'POST', '/mis/v1_0/channels', writer, {
      name: `fresh-${words++}`,
      is_visible: 1,
    })
    expect(created.statusCode).toBe(201)
    const id = Number(created.json().data.channel_id)
    // The pick is checked against the visible channels, which the replica does not have yet.
    const pick = await send(t.app, 'PATCH', '/v1_0/user/channels', user.auth, {
      channels: [{ id, seq: 2 }],
    })
    expect(pick.statusCode).toBe(201)
  })

  it('a stopped replica leaves the rotation, reads go to the primary, and it comes back', async () => {
    await pair.stopReplica()
    const id = await addWord()
    expect(await findsWord(reader, id)).toBe(true)
    const degraded = await readiness()
    expect(degraded.status).toBe('ok')
    expect(degraded.checks.replicas).toMatch(/^degraded: 127\.0\.0\.1:\d+ out of rotation$/)

    await pair.startReplica()
    await vi.waitFor(async () => expect((await readiness()).checks.replicas).toBe('ok'), settle)
    await pair.caughtUp()
    // Back in rotation: a lag shows again to other readers.
    await pair.pauseApplying()
    const next = await addWord()
    expect(await findsWord(reader, next)).toBe(false)
  })

  it.skipIf(!TEST_REDIS_URL)(
    "a writer's next request on another node reads the primary too",
    async () => {
      const other = await buildTestApp({ shareWith: t, env: env() })
      try {
        await pair.pauseApplying()
        const id = await addWord()
        expect(await findsWord(writer, id, other.app)).toBe(true)
        expect(await findsWord(reader, id, other.app)).toBe(false)
      } finally {
        await other.close()
      }
    },
  )
})
