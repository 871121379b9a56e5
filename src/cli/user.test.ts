import { execFile } from 'node:child_process'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, TEST_SMS_CODE, type TestApp } from '../../test/app.js'
import { TEST_REDIS_URL } from '../../test/env.js'
import { bearer, login } from '../../test/login.js'
import { connect, type Client } from '../../test/sockets.js'
import { attachRealtime, type Realtime } from '../realtime/socket-server.js'

const ROOT = path.resolve(import.meta.dirname, '../..')

/** A node: the app listening with its socket server, as `serve` runs it. */
interface Node {
  t: TestApp
  realtime: Realtime
  url: string
}

async function startNode(options: Parameters<typeof buildTestApp>[0]): Promise<Node> {
  const t = await buildTestApp(options)
  const realtime = await attachRealtime(t.app.server, t.deps)
  await t.app.listen({ host: '127.0.0.1', port: 0 })
  return { t, realtime, url: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}` }
}

/** Runs `headline user …` as its own process on the node's database and Redis. */
async function userCommand(node: Node, ...args: string[]) {
  const { t } = node
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    NODE_ENV: 'test',
    DATA_DIR: t.dataDir,
    DATABASE_URL: t.databaseUrl ?? `sqlite://${path.join(t.dataDir, 'headline.db')}`,
    REDIS_PREFIX: t.redisPrefix,
    JWT_SECRET: 'test-secret-with-enough-length',
    LOG_LEVEL: 'warn',
  }
  if (t.deps.config.redisUrl) env['REDIS_URL'] = t.deps.config.redisUrl
  const run = promisify(execFile)
  return run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'user', ...args], {
    cwd: ROOT,
    env,
  })
}

const clients: Client[] = []
afterEach(() => clients.splice(0).forEach((client) => client.close()))

/** Status of `GET /v1_0/user` and of a token refresh on the node. */
async function access(node: Node, tokens: { token: string; refresh_token: string }) {
  const me = await node.t.app.inject({ url: '/v1_0/user', headers: bearer(tokens.token) })
  const refreshed = await node.t.app.inject({
    method: 'PUT',
    url: '/v1_0/authorizations',
    headers: bearer(tokens.refresh_token),
  })
  return [me.statusCode, refreshed.statusCode]
}

describe.skipIf(!TEST_REDIS_URL)('user disable/enable with two nodes on one Redis', () => {
  let a: Node
  let b: Node
  beforeAll(async () => {
    a = await startNode({})
    b = await startNode({ shareWith: a.t })
  }, 120_000)
  afterAll(async () => {
    for (const node of [b, a]) {
      await node?.realtime.close()
      await node?.t.close()
    }
  })

  it('locks the user out of both nodes at once, sockets and refresh included', async () => {
    const mobile = '14900000001'
    const tokens = await login(a.t.app, mobile)
    // Both nodes hold the enabled status in their caches before the command runs.
    for (const node of [a, b]) expect(await access(node, tokens)).toEqual([200, 201])
    const socket = await connect(b.url, 'v4', 'websocket', { token: tokens.token })
    clients.push(socket)

    const { stdout } = await userCommand(a, 'disable', mobile)
    expect(stdout).toBe(`user ${tokens.userId} disabled\n`)
    await socket.nextOf('disconnect')
    for (const node of [a, b]) {
      await vi.waitFor(async () => expect(await access(node, tokens)).toEqual([403, 403]))
      const relogin = await node.t.app.inject({
        method: 'POST',
        url: '/v1_0/authorizations',
        payload: { mobile, code: TEST_SMS_CODE },
      })
      expect(relogin.statusCode).toBe(403)
    }

    await userCommand(b, 'enable', tokens.userId.toString())
    for (const node of [a, b]) {
      await vi.waitFor(async () => expect(await access(node, tokens)).toEqual([200, 201]))
    }
  }, 120_000)
})

describe('user disable/enable against a server without Redis', () => {
  let node: Node
  beforeAll(async () => {
    node = await startNode({ redisUrl: false })
  }, 120_000)
  afterAll(async () => {
    await node?.realtime.close()
    await node?.t.close()
  })

  it('reaches the running server within 5 s, sockets included', async () => {
    const mobile = '14900000002'
    const tokens = await login(node.t.app, mobile)
    expect(await access(node, tokens)).toEqual([200, 201])
    const socket = await connect(node.url, 'v2', 'websocket', { token: tokens.token })
    clients.push(socket)

    await userCommand(node, 'disable', mobile)
    await vi.waitFor(async () => expect(await access(node, tokens)).toEqual([403, 403]), {
      timeout: 5000,
      interval: 100,
    })
    await socket.nextOf('disconnect', 5000)

    await userCommand(node, 'enable', mobile)
    await vi.waitFor(async () => expect(await access(node, tokens)).toEqual([200, 201]), {
      timeout: 5000,
      interval: 100,
    })
  }, 120_000)

  it('says so for an unknown user and for bad arguments', async () => {
    await expect(userCommand(node, 'disable', '14999999999')).rejects.toMatchObject({
      code: 1,
      stdout: 'no user with mobile or id 14999999999\n',
    })
    await expect(userCommand(node, 'freeze', '14999999999')).rejects.toMatchObject({ code: 2 })
  }, 120_000)
})
