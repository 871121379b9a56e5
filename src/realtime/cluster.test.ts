import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, TEST_SMS_CODE, type TestApp } from '../../test/app.js'
import { TEST_REDIS_URL } from '../../test/env.js'
import { freePorts } from '../../test/ports.js'
import { userIdOfToken } from '../../test/login.js'
import { connect, type Client } from '../../test/sockets.js'
import { loadConfig } from '../config.js'
import { localNotifications } from '../infra/events/notifications.js'
import { createMetrics } from '../infra/metrics.js'
import { startEmitterPush } from './push.js'
import { NEW_USER_NAME } from '../features/auth/display-names.js'

// Several processes on one Redis: `serve` A and B (API + sockets) and `im` C (sockets only),
// spawned from src/main.ts on the test app's database and Redis prefix.
const ROOT = path.resolve(import.meta.dirname, '../..')
const JWT_SECRET = 'test-secret-with-enough-length'

interface Node {
  url: string
  process: ChildProcess
  output: string[]
  dataDir: string
}

let t: TestApp
let nodes: Record<'a' | 'b' | 'c', Node>
/** Every spawned process, as soon as it is spawned: afterAll stops them even if one failed. */
const spawned: Node[] = []
const clients: Client[] = []
// Should this test process end abruptly, its servers must not outlive it.
process.once('exit', () => spawned.forEach((node) => node.process.kill()))

describe.skipIf(!TEST_REDIS_URL)('realtime across processes (Redis adapter and emitter)', () => {
  beforeAll(async () => {
    t = await buildTestApp() // a migrated, seeded database and a unique Redis prefix
    const [pa, pb, pc] = await freePorts(3)
    const [a, b, c] = await Promise.all([
      start('serve', pa!),
      start('serve', pb!),
      start('im', pc!),
    ])
    nodes = { a, b, c }
  }, 60_000)

  afterEach(() => {
    for (const client of clients.splice(0)) client.close()
  })

  afterAll(async () => {
    const stopped = await Promise.allSettled(spawned.map(stop))
    await t?.close()
    const failure = stopped.find((result) => result.status === 'rejected')
    if (failure) throw (failure as PromiseRejectedResult).reason
  }, 30_000)

  it('a follow through API process A reaches the followed user on process B and on im C', async () => {
    const follower = await login(nodes.a, '14800000001')
    const followed = await login(nodes.a, '14800000002')
    const onB = track(await connect(nodes.b.url, 'v2', 'websocket', { token: followed.token }))
    const onC = track(await connect(nodes.c.url, 'v4', 'polling', { token: followed.token }))

    const response = await fetch(`${nodes.a.url}/v1_0/user/followings`, {
      method: 'POST',
      headers: { ...follower.auth, 'content-type': 'application/json' },
      body: `{"target":${followed.userId}}`,
    })
    expect(response.status).toBe(201)
    const expected = {
      user_id: Number(follower.userId),
      user_name: expect.stringMatching(NEW_USER_NAME),
      user_photo: expect.stringMatching(/^http/),
      timestamp: expect.any(Number),
    }
    expect(await onB.nextOf('following notify', 1000)).toEqual(expected)
    expect(await onC.nextOf('following notify', 1000)).toEqual(expected)
  })

  it('chats anonymously on the im process', async () => {
    const client = track(await connect(nodes.c.url, 'v2', 'polling'))
    await client.nextOf('message')
    client.send({ msg: 'python' })
    expect((await client.nextOf<{ msg: string }>('message')).msg).toMatch(/^“python”相关文章/)
  })

  it('an API process without sockets pushes through the Redis emitter', async () => {
    const user = await login(nodes.a, '14800000003')
    const client = track(await connect(nodes.b.url, 'v4', 'websocket', { token: user.token }))
    const notifications = localNotifications()
    const config = loadConfig({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: t.redisPrefix })
    const push = await startEmitterPush({
      config,
      notifications,
      log: pino({ level: 'silent' }),
      metrics: createMetrics(),
    })
    try {
      const payload = { user_id: 2n ** 62n, art_id: 7n, art_title: 'x' }
      notifications.publish({ event: 'liking notify', to: user.userId, payload })
      expect(await client.nextOf('liking notify', 1000)).toEqual({
        user_id: 2 ** 62,
        art_id: 7,
        art_title: 'x',
      })
    } finally {
      await push.close()
    }
  })

  it('a process under another prefix hears nothing', async () => {
    const user = await login(nodes.a, '14800000004')
    const client = track(await connect(nodes.b.url, 'v2', 'websocket', { token: user.token }))
    const notifications = localNotifications()
    const config = loadConfig({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: `${t.redisPrefix}other:` })
    const log = pino({ level: 'silent' })
    const push = await startEmitterPush({ config, notifications, log, metrics: createMetrics() })
    try {
      notifications.publish({ event: 'comment notify', to: user.userId, payload: {} })
      expect(await client.receives('comment notify', 300)).toBe(false)
    } finally {
      await push.close()
    }
  })
})

function track(client: Client) {
  clients.push(client)
  return client
}

async function login(node: Node, mobile: string) {
  const response = await fetch(`${node.url}/v1_0/authorizations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mobile, code: TEST_SMS_CODE }),
  })
  expect(response.status).toBe(201)
  const { token } = ((await response.json()) as { data: { token: string } }).data
  return { token, userId: userIdOfToken(token), auth: { authorization: `Bearer ${token}` } }
}

/** Distinct free loopback ports (all held open at once, then released). */
async function start(command: 'serve' | 'im', port: number): Promise<Node> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-node-'))
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: t.databaseUrl ?? `sqlite://${path.join(t.dataDir, 'headline.db')}`,
    REDIS_URL: TEST_REDIS_URL!,
    REDIS_PREFIX: t.redisPrefix,
    JWT_SECRET,
    SMS_TEST_CODE: TEST_SMS_CODE,
    PUBLIC_URL: 'http://headline.test/',
    LOG_LEVEL: 'warn',
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', command], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()))
  const node = { url: `http://127.0.0.1:${port}`, process: child, output, dataDir }
  spawned.push(node)
  await waitForHealth(node)
  return node
}

async function waitForHealth(node: Node) {
  const deadline = Date.now() + 45_000
  while (Date.now() < deadline) {
    if (node.process.exitCode !== null) break
    try {
      if ((await fetch(`${node.url}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`${node.url} did not start:\n${node.output.join('')}`)
}

/** SIGTERM (the graceful path) and wait; the exit code must be 0. */
async function stop(node: Node) {
  const exited = new Promise<number | null>((resolve) => {
    if (node.process.exitCode !== null) resolve(node.process.exitCode)
    else node.process.once('exit', (code) => resolve(code))
  })
  node.process.kill('SIGTERM')
  const code = await exited
  fs.rmSync(node.dataDir, { recursive: true, force: true })
  if (code !== 0) throw new Error(`${node.url} exited with ${code}:\n${node.output.join('')}`)
}
