import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { freePorts } from './ports.js'

/** The redis-server binary (REDIS_SERVER, else the first on PATH); undefined when there is none. */
export const REDIS_SERVER =
  process.env['REDIS_SERVER'] ||
  (process.env['PATH'] ?? '')
    .split(path.delimiter)
    .map((dir) => path.join(dir, 'redis-server'))
    .find((file) => fs.existsSync(file))

/** One redis-server (or sentinel) process on a loopback port. */
export interface RedisProcess {
  readonly port: number
  /** SIGKILL, as a crash: no shutdown save, no goodbye to replicas or sentinels. */
  kill(): Promise<void>
}

export interface Topology {
  /** The REDIS_URL Headline is given. */
  readonly url: string
  /** How long the start took (processes up and the topology settled). */
  readonly startupMs: number
  stop(): Promise<void>
}

export interface SentinelTopology extends Topology {
  readonly masterName: string
  readonly primary: RedisProcess
  readonly replica: RedisProcess
  readonly sentinels: readonly RedisProcess[]
  /** Waits until every sentinel names `port` the primary; returns how long that took. */
  waitForPrimary(port: number, timeoutMs?: number): Promise<number>
}

export interface ClusterTopology extends Topology {
  readonly primaries: readonly RedisProcess[]
}

const START_TIMEOUT_MS = 10_000
const MASTER_NAME = 'mymaster'
const LOOPBACK = '127.0.0.1'

/**
 * A primary, its replica and three sentinels (quorum 2) watching them, with timings short enough
 * for a test: a primary unreachable for 1 s is down; a failover takes a few seconds.
 */
export async function startSentinelTopology(): Promise<SentinelTopology> {
  const started = Date.now()
  const group = new ProcessGroup('headline-redis-sentinel-')
  try {
    const [primaryPort, replicaPort, ...sentinelPorts] = await freePorts(5)
    const server = (port: number, extra: string[] = []) =>
      group.start(port, [
        ...serverArgs(port, group.dir),
        '--repl-diskless-sync-delay',
        '0',
        ...extra,
      ])
    const primary = await server(primaryPort!)
    const replica = await server(replicaPort!, ['--replicaof', LOOPBACK, String(primaryPort)])
    await until('the replica to sync', () =>
      text(replicaPort!, 'info', 'replication').then((text) =>
        text.includes('master_link_status:up'),
      ),
    )
    // Sentinels told each other's ids and the replica up front need no discovery round (≥ 2 s).
    const ids = sentinelPorts.map(() => randomBytes(20).toString('hex'))
    const sentinels = await Promise.all(
      sentinelPorts.map((port, i) => {
        const others = sentinelPorts.flatMap((other, j) =>
          j === i ? [] : [`sentinel known-sentinel ${MASTER_NAME} ${LOOPBACK} ${other} ${ids[j]}`],
        )
        const conf = path.join(group.dir, `sentinel-${port}.conf`)
        fs.writeFileSync(
          conf,
          [
            `port ${port}`,
            `bind ${LOOPBACK}`,
            `dir ${group.dir}`,
            `sentinel myid ${ids[i]}`,
            `sentinel monitor ${MASTER_NAME} ${LOOPBACK} ${primaryPort} 2`,
            `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
            `sentinel failover-timeout ${MASTER_NAME} 3000`,
            `sentinel known-replica ${MASTER_NAME} ${LOOPBACK} ${replicaPort}`,
            ...others,
            '',
          ].join('\n'),
        )
        return group.start(port, [conf, '--sentinel'])
      }),
    )
    const primaryOf = async (sentinel: number) => {
      const reply = await command(sentinel, 'sentinel', 'get-master-addr-by-name', MASTER_NAME)
      return Array.isArray(reply) ? Number(reply[1]) : undefined
    }
    const waitForPrimary = async (port: number, timeoutMs = 20_000) => {
      const from = Date.now()
      await until(
        `every sentinel to name ${port} the primary`,
        async () => (await Promise.all(sentinelPorts.map(primaryOf))).every((p) => p === port),
        timeoutMs,
      )
      return Date.now() - from
    }
    await waitForPrimary(primaryPort!, START_TIMEOUT_MS)
    const hosts = sentinelPorts.map((port) => `${LOOPBACK}:${port}`).join(',')
    return {
      url: `redis+sentinel://${hosts}/${MASTER_NAME}`,
      startupMs: Date.now() - started,
      masterName: MASTER_NAME,
      primary,
      replica,
      sentinels,
      waitForPrimary,
      stop: () => group.stop(),
    }
  } catch (error) {
    await group.stop()
    throw error
  }
}

/** Three primaries sharing the 16384 slots, no replicas (what `redis-cli --cluster create` makes). */
export async function startClusterTopology(): Promise<ClusterTopology> {
  const started = Date.now()
  const group = new ProcessGroup('headline-redis-cluster-')
  try {
    const ports = await freePorts(6)
    const nodes = [0, 1, 2].map((i) => ({ port: ports[i]!, bus: ports[i + 3]! }))
    const primaries = await Promise.all(
      nodes.map(({ port, bus }) =>
        group.start(port, [
          ...serverArgs(port, group.dir),
          ...['--cluster-enabled', 'yes', '--cluster-port', String(bus)],
          ...['--cluster-config-file', path.join(group.dir, `nodes-${port}.conf`)],
          ...['--cluster-node-timeout', '2000'],
        ]),
      ),
    )
    const ranges = [
      [0, 5460],
      [5461, 10922],
      [10923, 16383],
    ]
    await Promise.all(
      nodes.map(async ({ port }, i) => {
        await command(port, 'cluster', 'set-config-epoch', i + 1)
        await command(port, 'cluster', 'addslotsrange', ranges[i]![0]!, ranges[i]![1]!)
      }),
    )
    const [first, ...rest] = nodes
    for (const { port } of rest) {
      await command(port, 'cluster', 'meet', LOOPBACK, first!.port, first!.bus)
    }
    await until('the cluster to form', async () => {
      const states = await Promise.all(nodes.map(({ port }) => text(port, 'cluster', 'info')))
      return states.every(
        (state) => state.includes('cluster_state:ok') && state.includes('cluster_known_nodes:3'),
      )
    })
    return {
      url: `redis+cluster://${nodes.map(({ port }) => `${LOOPBACK}:${port}`).join(',')}`,
      startupMs: Date.now() - started,
      primaries,
      stop: () => group.stop(),
    }
  } catch (error) {
    await group.stop()
    throw error
  }
}

function serverArgs(port: number, dir: string): string[] {
  return [
    ...['--port', String(port), '--bind', LOOPBACK, '--dir', dir],
    ...['--save', '', '--appendonly', 'no', '--daemonize', 'no'],
  ]
}

/** One command on a connection of its own; undefined while the server does not answer. */
async function command(port: number, name: string, ...args: (string | number)[]) {
  const client = new Redis({
    port,
    host: LOOPBACK,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  })
  client.on('error', () => undefined)
  try {
    await client.connect()
    return await client.call(name, ...args)
  } catch {
    return undefined
  } finally {
    client.disconnect()
  }
}

/** A command's reply as text ('' when there is none). */
async function text(port: number, name: string, ...args: string[]): Promise<string> {
  const reply = await command(port, name, ...args)
  return typeof reply === 'string' ? reply : ''
}

async function until(what: string, test: () => Promise<boolean>, timeoutMs = START_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/** Processes started together in one temporary directory, and stopped together. */
class ProcessGroup {
  readonly dir: string
  private readonly children = new Set<ChildProcess>()
  private readonly killOnExit = () => this.children.forEach((child) => child.kill('SIGKILL'))

  constructor(prefix: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
    // Should the test process end abruptly, its servers must not outlive it.
    process.once('exit', this.killOnExit)
  }

  /** Spawns redis-server with `args` and waits until it answers PING on `port`. */
  async start(port: number, args: string[]): Promise<RedisProcess> {
    if (!REDIS_SERVER) throw new Error('redis-server not found')
    const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    this.children.add(child)
    let output = ''
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000))
    child.stdout!.on('data', keep)
    child.stderr!.on('data', keep)
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    child.once('exit', () => this.children.delete(child))
    try {
      await until(`redis-server on port ${port}`, async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`)
        return (await command(port, 'ping')) === 'PONG'
      })
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${output}`)
    }
    return {
      port,
      async kill() {
        child.kill('SIGKILL')
        await exited
      },
    }
  }

  async stop(): Promise<void> {
    const waiting = [...this.children].map(
      (child) => new Promise<void>((resolve) => child.once('exit', () => resolve())),
    )
    this.killOnExit()
    await Promise.all(waiting)
    process.off('exit', this.killOnExit)
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}
