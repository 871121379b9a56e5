import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { ChaosProxy } from '../../test/chaos-proxy.js'
import { TEST_REDIS_URL } from '../../test/env.js'
import { login } from '../../test/login.js'
import { connect, type Client } from '../../test/sockets.js'
import { loadConfig } from '../config.js'
import { localNotifications } from '../infra/events/notifications.js'
import { createMetrics } from '../infra/metrics.js'
import { startEmitterPush } from './push.js'
import { attachRealtime, type Realtime } from './socket-server.js'

describe.skipIf(!TEST_REDIS_URL)('realtime while Redis is down', () => {
  let proxy: ChaosProxy
  let t: TestApp
  let realtime: Realtime
  let client: Client
  let userId: bigint

  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL!)
    proxy = new ChaosProxy({ host: target.hostname, port: Number(target.port || 6379) })
    const port = await proxy.start()
    t = await buildTestApp({ redisUrl: `redis://127.0.0.1:${port}` })
    realtime = await attachRealtime(t.app.server, t.deps)
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const user = await login(t.app)
    userId = user.userId
    const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
    client = await connect(url, 'v4', 'websocket', { token: user.token })
    await client.nextOf('message')
  })

  afterAll(async () => {
    client?.close()
    await realtime?.close()
    proxy?.restore()
    await t?.close()
    await proxy?.stop()
  })

  it('still delivers to local sockets and chats; other nodes reach it again after', async () => {
    proxy.cut()
    await new Promise((resolve) => setTimeout(resolve, 300)) // the clients notice the cut
    t.deps.notifications.publish({ event: 'following notify', to: userId, payload: { n: 1 } })
    expect(await client.nextOf('following notify')).toEqual({ n: 1 })
    client.send({ msg: '帮助' })
    expect(await client.receives('message', 2000)).toBe(true)

    // Another API node publishes through the real Redis; once ours re-subscribed, it arrives.
    proxy.restore()
    const notifications = localNotifications()
    const push = await startEmitterPush({
      config: loadConfig({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: t.redisPrefix }),
      notifications,
      log: pino({ level: 'silent' }),
      metrics: createMetrics(),
    })
    try {
      let delivered = false
      for (let i = 0; i < 40 && !delivered; i++) {
        notifications.publish({ event: 'comment notify', to: userId, payload: { n: 2 } })
        delivered = await client.receives('comment notify', 250)
      }
      expect(delivered).toBe(true)
    } finally {
      await push.close()
    }
  }, 20_000)
})
