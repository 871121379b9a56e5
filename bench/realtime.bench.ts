/**
 * Realtime capacity and push latency of one process: how many Socket.IO sockets it holds, at
 * what memory, and how fast a burst of notifications (one per logged-in user) reaches them.
 *
 *   npm run bench:realtime                                          embedded, in-memory adapter
 *   BENCH_REDIS_URL=redis://127.0.0.1:6379 npm run bench:realtime   pushes through the Redis adapter
 *   BENCH_SOCKETS=20000 BENCH_USERS=2000 npm run bench:realtime     bigger runs
 *
 * Loopback only and bounded: connecting stops at BENCH_SOCKETS, after BENCH_CONNECT_SECONDS, or
 * when the server's RSS passes BENCH_MAX_RSS_MB; the whole run ends by BENCH_DEADLINE_SECONDS.
 * The server runs in this process; the clients (socket.io-client 4, websocket) run in child
 * processes so that they neither share its event loop nor count in its memory.
 */
import { deleteKeysUnder } from '../src/infra/redis/redis.js'
import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { io } from 'socket.io-client'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createDeps } from '../src/deps.js'
import { migrateToLatest } from '../src/infra/db/migrate.js'
import { attachRealtime } from '../src/realtime/socket-server.js'

const SMS_CODE = '246810'
const SOCKETS = positiveInt('BENCH_SOCKETS', 10_000)
const USERS = positiveInt('BENCH_USERS', 1_000)
const ROUNDS = positiveInt('BENCH_ROUNDS', 5)
const CLIENT_PROCESSES = positiveInt('BENCH_CLIENT_PROCESSES', 2)
const CONNECT_SECONDS = positiveInt('BENCH_CONNECT_SECONDS', 90)
const MAX_RSS_MB = positiveInt('BENCH_MAX_RSS_MB', 2_000)
const DEADLINE_SECONDS = positiveInt('BENCH_DEADLINE_SECONDS', 300)
const REDIS_URL = process.env['BENCH_REDIS_URL'] || undefined

type ToClient =
  | { type: 'connect'; url: string; count: number; tokens: string[] }
  | { type: 'stop' }
  | { type: 'report' }
type FromClient =
  | { type: 'ready' }
  | { type: 'progress'; connected: number; failed: number; done: boolean }
  | { type: 'report'; latencies: number[] }

function positiveInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}

const epochMs = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0)

// ---------------------------------------------------------------- client process

function runClient() {
  const sockets: ReturnType<typeof io>[] = []
  const latencies: number[] = []
  let stopped = false
  const send = (message: FromClient) => process.send?.(message)

  process.on('message', (message: ToClient) => {
    if (message.type === 'stop') stopped = true
    if (message.type === 'report') send({ type: 'report', latencies })
    if (message.type === 'connect')
      openSockets(message).catch((error: unknown) => console.error(error))
  })

  async function openSockets(message: Extract<ToClient, { type: 'connect' }>) {
    stopped = false
    let connected = 0
    let failed = 0
    const open = (token: string | undefined) =>
      new Promise<void>((resolve) => {
        const socket = io(message.url, {
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          timeout: 20_000,
          ...(token ? { query: { token } } : {}),
        })
        socket.on('following notify', (payload: { sent: number }) => {
          latencies.push(epochMs() - payload.sent)
        })
        socket.once('connect', () => {
          connected += 1
          sockets.push(socket)
          resolve()
        })
        socket.once('connect_error', () => {
          failed += 1
          socket.close()
          resolve()
        })
      })
    const queue = [...message.tokens, ...Array<undefined>(message.count).fill(undefined)]
    const progress = setInterval(
      () => send({ type: 'progress', connected, failed, done: false }),
      500,
    )
    // A bounded number of handshakes in flight, as a crowd of real devices would arrive.
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        while (queue.length > 0 && !stopped) await open(queue.shift())
      }),
    )
    clearInterval(progress)
    send({ type: 'progress', connected, failed, done: true })
  }
  process.on('disconnect', () => process.exit(0))
  send({ type: 'ready' })
}

// ---------------------------------------------------------------- server process

interface Child {
  process: ChildProcess
  connected: number
  failed: number
  done: boolean
}

async function startServer() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-bench-realtime-'))
  const config = loadConfig({
    DATA_DIR: dataDir,
    SMS_TEST_CODE: SMS_CODE,
    LOG_LEVEL: 'silent',
    REDIS_PREFIX: `bench:${process.pid}:realtime:`,
    ...(REDIS_URL ? { REDIS_URL } : {}),
  })
  const deps = await createDeps(config, { log: pino({ level: 'silent' }) })
  await migrateToLatest(deps.db.write)
  const app = await buildApp(deps)
  const realtime = await attachRealtime(app.server, deps)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return {
    app,
    deps,
    realtime,
    url,
    async close() {
      await realtime.close()
      await app.close()
      if (deps.redis) await deleteKeysUnder(deps.redis, config.redisPrefix)
      await deps.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

type Server = Awaited<ReturnType<typeof startServer>>

async function loginUsers(server: Server, count: number) {
  const users: { id: bigint; token: string }[] = []
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, async (_, j) => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/v1_0/authorizations',
        payload: { mobile: `170${String(i + j).padStart(8, '0')}`, code: SMS_CODE },
      })
      const token = (response.json() as { data: { token: string } }).data.token
      const payload = Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')
      return { id: BigInt(/"user_id":(\d+)/.exec(payload)?.[1] ?? '0'), token }
    })
    users.push(...(await Promise.all(batch)))
  }
  return users
}

async function startClients(): Promise<Child[]> {
  const self = fileURLToPath(import.meta.url)
  const ready: Promise<void>[] = []
  const children = Array.from({ length: CLIENT_PROCESSES }, () => {
    const child: Child = {
      process: fork(self, ['client'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' }),
      connected: 0,
      failed: 0,
      done: false,
    }
    child.process.on('message', (message: FromClient) => {
      if (message.type !== 'progress') return
      Object.assign(child, { connected: message.connected, failed: message.failed })
      child.done = message.done
    })
    ready.push(new Promise((resolve) => child.process.once('message', () => resolve())))
    return child
  })
  await Promise.all(ready)
  return children
}

/** Splits `count` anonymous sockets and `tokens` over the children; waits within the bounds. */
async function connectAll(server: Server, children: Child[], count: number, tokens: string[]) {
  const started = Date.now()
  const part = (n: number, i: number) =>
    Math.floor(n / children.length) + (i < n % children.length ? 1 : 0)
  let offset = 0
  for (const [i, child] of children.entries()) {
    child.done = false
    const own = tokens.slice(offset, offset + part(tokens.length, i))
    offset += own.length
    child.process.send({
      type: 'connect',
      url: server.url,
      count: part(count, i),
      tokens: own,
    } satisfies ToClient)
  }
  let stopReason = 'all connected'
  while (!children.every((c) => c.done)) {
    await sleep(250)
    const rss = process.memoryUsage().rss / 1024 / 1024
    const reason =
      Date.now() - started > CONNECT_SECONDS * 1000
        ? `time bound (${CONNECT_SECONDS}s)`
        : rss > MAX_RSS_MB
          ? `memory bound (${MAX_RSS_MB} MB)`
          : undefined
    if (reason) {
      stopReason = reason
      for (const child of children) child.process.send({ type: 'stop' } satisfies ToClient)
      while (!children.every((c) => c.done)) await sleep(100)
    }
  }
  const failed = children.reduce((sum, c) => sum + c.failed, 0)
  return { seconds: (Date.now() - started) / 1000, failed, stopReason }
}

async function collectLatencies(children: Child[]): Promise<number[]> {
  const reports = children.map(
    (child) =>
      new Promise<number[]>((resolve) => {
        const onMessage = (message: FromClient) => {
          if (message.type !== 'report') return
          child.process.off('message', onMessage)
          resolve(message.latencies)
        }
        child.process.on('message', onMessage)
        child.process.send({ type: 'report' } satisfies ToClient)
      }),
  )
  return (await Promise.all(reports)).flat()
}

function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function main() {
  const deadline = setTimeout(() => {
    console.error(`deadline of ${DEADLINE_SECONDS}s reached: stopping`)
    process.exit(1)
  }, DEADLINE_SECONDS * 1000)
  deadline.unref()
  const gc = (globalThis as { gc?: () => void }).gc
  console.log(
    `Headline realtime bench: ${SOCKETS} anonymous + ${USERS} logged-in sockets (websocket), ` +
      `${CLIENT_PROCESSES} client processes, ${REDIS_URL ? 'Redis adapter' : 'in-memory adapter'}, ` +
      `Node ${process.version}, ${os.cpus().length} CPUs`,
  )
  const server = await startServer()
  const children = await startClients()
  try {
    const users = await loginUsers(server, USERS)
    gc?.()
    const before = process.memoryUsage()

    const capacity = await connectAll(server, children, SOCKETS, [])
    const anonymous = server.realtime.io.engine.clientsCount
    const logged = await connectAll(
      server,
      children,
      0,
      users.map((u) => u.token),
    )
    await sleep(1000)
    gc?.()
    const after = process.memoryUsage()
    const total = server.realtime.io.engine.clientsCount
    console.log('\ncapacity (one process)')
    console.log(
      `  connected   ${total} sockets (${anonymous} anonymous in ${capacity.seconds.toFixed(1)}s, ` +
        `${capacity.stopReason}; ${total - anonymous} logged in; ` +
        `${capacity.failed + logged.failed} failed)`,
    )
    console.log(
      `  memory      rss ${mb(before.rss)} → ${mb(after.rss)} MB, heap ${mb(before.heapUsed)} → ` +
        `${mb(after.heapUsed)} MB: ~${((after.rss - before.rss) / 1024 / Math.max(1, total)).toFixed(1)} KB rss ` +
        `and ~${((after.heapUsed - before.heapUsed) / 1024 / Math.max(1, total)).toFixed(1)} KB heap per socket` +
        (gc ? '' : ' (no --expose-gc: heap figures include garbage)'),
    )

    // One notification per logged-in user per round, published as the API does.
    const targets = users.slice(0, total - anonymous)
    const bursts: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const started = epochMs()
      for (const user of targets) {
        server.deps.notifications.publish({
          event: 'following notify',
          to: user.id,
          payload: {
            user_id: 1n,
            user_name: 'bench',
            user_photo: '',
            timestamp: 0,
            sent: epochMs(),
          },
        })
      }
      bursts.push(epochMs() - started)
      await sleep(1000)
    }
    const latencies = (await collectLatencies(children)).sort((a, b) => a - b)
    const expected = targets.length * ROUNDS
    console.log(
      `\nnotify fan-out: ${ROUNDS} rounds × ${targets.length} users, ${total} sockets connected`,
    )
    console.log(
      `  delivered   ${latencies.length}/${expected}; publishing a round took ` +
        `${(bursts.reduce((a, b) => a + b, 0) / bursts.length).toFixed(1)} ms on average`,
    )
    console.log(
      `  latency     p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ` +
        `${percentile(latencies, 99).toFixed(1)} ms   max ${(latencies.at(-1) ?? NaN).toFixed(1)} ms`,
    )
  } finally {
    for (const child of children) child.process.disconnect()
    await server.close()
  }
}

if (process.argv[2] === 'client') runClient()
else
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
