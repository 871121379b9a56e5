import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { createConnection } from 'mysql2/promise'

/** The MariaDB server binary, when this machine has one. */
export const MARIADBD = ['/usr/sbin', '/usr/local/sbin', ...(process.env['PATH'] ?? '').split(':')]
  .map((dir) => path.join(dir, 'mariadbd'))
  .find((file) => fs.existsSync(file))

/** A MariaDB primary and a replica of it (GTID binlog replication), on free local ports. */
export interface ReplicationPair {
  /** `mysql://root@127.0.0.1:<port>/`: append a database name. */
  readonly primaryUrl: string
  readonly replicaUrl: string
  /** Runs statements on the primary or the replica as root. */
  query(on: 'primary' | 'replica', statement: string): Promise<unknown>
  /** The replica keeps receiving the binlog but stops applying it (`STOP SLAVE SQL_THREAD`). */
  pauseApplying(): Promise<void>
  resumeApplying(): Promise<void>
  /** Waits until the replica has applied everything the primary has written so far. */
  caughtUp(): Promise<void>
  /** Shuts the replica's server down (its port refuses connections). */
  stopReplica(): Promise<void>
  /** Starts it again (if stopped) on the same port and data; it resumes replicating by itself. */
  startReplica(): Promise<void>
  /** Stops both servers and deletes their data. */
  close(): Promise<void>
}

const READY_MS = 30_000
const STOP_MS = 15_000
// Small and fast rather than durable: test data only.
const SERVER_SETTINGS = [
  '--bind-address=127.0.0.1',
  '--skip-name-resolve',
  '--innodb-buffer-pool-size=16M',
  '--innodb-log-file-size=4M',
  '--innodb-flush-log-at-trx-commit=0',
  '--innodb-doublewrite=0',
  '--sync-binlog=0',
  '--performance-schema=OFF',
  '--max-connections=60',
  '--log-bin=binlog',
  '--binlog-format=ROW',
  '--gtid-strict-mode=1',
  '--character-set-server=utf8mb4',
  '--user=root',
]

/**
 * Copies a pristine data directory for both servers, starts them and points the replica at the
 * primary with `MASTER_USE_GTID=slave_pos`. Both servers are killed when the test process exits,
 * whatever happens to `close`.
 */
export async function startReplicationPair(): Promise<ReplicationPair> {
  if (!MARIADBD) throw new Error('mariadbd is not installed')
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-mariadb-'))
  const template = pristineDataDir()
  const primary = server(root, template, 'primary', 1, await freePort())
  const replica = server(root, template, 'replica', 2, await freePort())
  const exitHook = () => [primary, replica].forEach((s) => s.kill())
  process.once('exit', exitHook)
  const url = (port: number) => `mysql://root@127.0.0.1:${port}/`
  const query = async (on: 'primary' | 'replica', statement: string) => {
    const connection = await createConnection(url((on === 'primary' ? primary : replica).port))
    try {
      return (await connection.query(statement))[0]
    } finally {
      await connection.end()
    }
  }
  try {
    await Promise.all([primary.start(), replica.start()])
    await query(
      'replica',
      `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, MASTER_USER='root',
       MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1`,
    )
    await query('replica', 'START SLAVE')
  } catch (error) {
    exitHook()
    fs.rmSync(root, { recursive: true, force: true })
    throw error
  }

  return {
    primaryUrl: url(primary.port),
    replicaUrl: url(replica.port),
    query,
    pauseApplying: async () => void (await query('replica', 'STOP SLAVE SQL_THREAD')),
    resumeApplying: async () => void (await query('replica', 'START SLAVE SQL_THREAD')),
    async caughtUp() {
      const [{ pos }] = (await query('primary', 'SELECT @@gtid_binlog_pos AS pos')) as [
        { pos: string },
      ]
      const [{ done }] = (await query(
        'replica',
        `SELECT MASTER_GTID_WAIT('${pos}', ${READY_MS / 1000}) AS done`,
      )) as [{ done: number }]
      if (done !== 0) throw new Error(`replica did not reach ${pos}`)
    },
    stopReplica: () => replica.stop(),
    startReplica: () => replica.start(),
    async close() {
      process.removeListener('exit', exitHook)
      // The data is thrown away: no clean shutdown needed.
      await Promise.all([primary.stop('SIGKILL'), replica.stop('SIGKILL')])
      fs.rmSync(root, { recursive: true, force: true })
    },
  }
}

const INSTALL_SETTINGS = [
  '--auth-root-authentication-method=normal',
  '--skip-test-db',
  '--innodb-log-file-size=4M',
  '--innodb-buffer-pool-size=16M',
]

/**
 * A data directory fresh from mariadb-install-db, kept in the temp folder per server version:
 * installing takes from under a second to several on a busy machine, copying a fraction of that.
 */
function pristineDataDir(): string {
  const version = spawnSync(MARIADBD!, ['--version'], { encoding: 'utf8' }).stdout.trim()
  const key = createHash('sha256')
    .update([version, ...INSTALL_SETTINGS].join('\n'))
    .digest('hex')
    .slice(0, 16)
  const dir = path.join(os.tmpdir(), `headline-mariadb-template-${key}`)
  if (fs.existsSync(dir)) return dir
  const building = `${dir}.${process.pid}`
  const install = spawnSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${building}`,
      `--user=${os.userInfo().username}`,
      ...INSTALL_SETTINGS,
    ],
    { encoding: 'utf8' },
  )
  if (install.status !== 0) throw new Error(`mariadb-install-db: ${install.stderr}`)
  try {
    fs.renameSync(building, dir)
  } catch (error) {
    // Another test file installed it first.
    fs.rmSync(building, { recursive: true, force: true })
    if (!fs.existsSync(dir)) throw error
  }
  return dir
}

function server(root: string, template: string, name: string, serverId: number, port: number) {
  const dir = path.join(root, name)
  fs.cpSync(template, path.join(dir, 'data'), { recursive: true })
  const errorLog = path.join(dir, 'error.log')
  const args = [
    '--no-defaults',
    `--datadir=${path.join(dir, 'data')}`,
    `--port=${port}`,
    `--socket=${path.join(dir, 'mysqld.sock')}`,
    `--pid-file=${path.join(dir, 'mysqld.pid')}`,
    `--log-error=${errorLog}`,
    `--server-id=${serverId}`,
    ...SERVER_SETTINGS,
    ...(name === 'replica' ? ['--read-only', '--relay-log=relay'] : []),
  ]
  let child: ChildProcess | undefined
  const running = (server?: ChildProcess): server is ChildProcess =>
    server !== undefined && server.exitCode === null && server.signalCode === null
  let exited: Promise<void> = Promise.resolve()
  const failure = () =>
    new Error(`mariadbd ${name} did not start: ${fs.readFileSync(errorLog, 'utf8').slice(-2000)}`)

  return {
    port,
    async start() {
      if (running(child)) return
      const started = spawn(MARIADBD!, args, { stdio: 'ignore' })
      child = started
      exited = new Promise((resolve) => started.once('exit', () => resolve()))
      const deadline = Date.now() + READY_MS
      for (;;) {
        if (!running(started)) throw failure()
        const connection = await createConnection(`mysql://root@127.0.0.1:${port}/`).catch(
          () => undefined,
        )
        if (connection) return void (await connection.end())
        if (Date.now() > deadline) throw failure()
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (!running(child)) return
      child.kill(signal)
      const timer = setTimeout(() => child?.kill('SIGKILL'), STOP_MS)
      await exited
      clearTimeout(timer)
    },
    kill: () => child?.kill('SIGKILL'),
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
    probe.on('error', reject)
  })
}
