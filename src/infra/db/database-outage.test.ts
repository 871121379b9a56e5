import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { ChaosProxy } from '../../../test/chaos-proxy.js'
import { TEST_DATABASE_URL } from '../../../test/env.js'
import { login } from '../../../test/login.js'

const UNAVAILABLE = { message: 'Service unavailable, please try again later.' }

// The app reaches MariaDB through a proxy the test cuts or black-holes; MariaDB itself stays up.
describe.skipIf(!TEST_DATABASE_URL)('database outage (MariaDB behind a chaos proxy)', () => {
  let proxy: ChaosProxy
  let base: TestApp
  let t: TestApp
  let mobiles = 13600000100

  beforeAll(async () => {
    base = await buildTestApp()
    const target = new URL(base.databaseUrl!)
    proxy = new ChaosProxy({ host: target.hostname, port: Number(target.port || 3306) })
    const through = new URL(target)
    through.hostname = '127.0.0.1'
    through.port = String(await proxy.start())
    t = await buildTestApp({
      shareWith: base,
      env: {
        DATABASE_URL: through.toString(),
        DATABASE_CONNECT_TIMEOUT_MS: '400',
        DATABASE_QUERY_TIMEOUT_MS: '800',
      },
    })
  })
  afterEach(async () => {
    proxy.restore()
    // Back to normal before the next case: pooled connections that died are replaced.
    await vi.waitFor(
      async () => expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200),
      { timeout: 10_000, interval: 200 },
    )
  })
  afterAll(async () => {
    await t?.close()
    await proxy?.stop()
    await base?.close()
  })

  /** A login of a new mobile: it must read and write the database. */
  const loginNewUser = () =>
    t.app.inject({
      method: 'POST',
      url: '/v1_0/authorizations',
      payload: { mobile: String(mobiles++), code: '246810' },
    })

  const expectUnavailable = async (response: Awaited<ReturnType<typeof loginNewUser>>) => {
    expect(response.statusCode).toBe(503)
    expect(response.json()).toEqual(UNAVAILABLE)
    expect(response.headers['retry-after']).toBe('5')
  }

  it.each(['cut', 'blackhole'] as const)(
    'answers 503 with Retry-After while the database is %s, keeps serving cached reads, recovers',
    async (fault) => {
      const { auth } = await login(t.app, String(mobiles++))
      const channels = await t.app.inject({ url: '/v1_0/channels' })
      const me = await t.app.inject({ url: '/v1_0/user', headers: auth })
      expect([channels.statusCode, me.statusCode]).toEqual([200, 200])

      proxy[fault]()
      await expectUnavailable(await loginNewUser())
      // Concurrent requests all get their answer: none waits forever for a pooled connection.
      const burst = await Promise.all(Array.from({ length: 15 }, () => loginNewUser()))
      for (const response of burst) await expectUnavailable(response)
      const ready = await t.app.inject({ url: '/readyz' })
      expect(ready.statusCode).toBe(503)
      expect(ready.json().checks.database).toMatch(/^failing: /)

      // Reads served from the cache do not need the database.
      const cachedChannels = await t.app.inject({ url: '/v1_0/channels' })
      expect(cachedChannels.statusCode).toBe(200)
      expect(cachedChannels.body).toBe(channels.body)
      const cachedMe = await t.app.inject({ url: '/v1_0/user', headers: auth })
      expect(cachedMe.statusCode).toBe(200)
      expect(cachedMe.body).toBe(me.body)

      proxy.restore()
      await vi.waitFor(async () => expect((await loginNewUser()).statusCode).toBe(201), {
        timeout: 10_000,
        interval: 200,
      })
    },
  )
})
