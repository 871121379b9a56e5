import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/** One JSON log line of a spawned process. */
export type LogLine = Record<string, unknown> & { msg?: string; pid?: number }

/** A `headline` command running in a child process (from source, through tsx). */
export interface HeadlineProcess {
  readonly child: ChildProcess
  /** Every JSON log line so far, in order. */
  readonly lines: LogLine[]
  /** The first log line (past or future) that `match` accepts. */
  waitFor(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>
  /** Exit code and signal, once it exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Sends `signal` (SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `node src/main.ts <args>` with a test environment plus `env`, logging JSON at info. */
export function startHeadline(args: string[], env: Record<string, string>): HeadlineProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.resolve(import.meta.dirname, '../src/main.ts'), ...args],
    {
      env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const lines: LogLine[] = []
  const waiters = new Set<() => void>()
  let rest = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString('utf8')
    const parts = text.split('\n')
    rest = parts.pop() ?? ''
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part) as LogLine)
      } catch {
        lines.push({ msg: part })
      }
    }
    for (const wake of waiters) wake()
  })
  const stderr: string[] = []
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const wake of waiters) wake()
      resolve({ code, signal })
    }),
  )
  return {
    child,
    lines,
    exited,
    async waitFor(match, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = lines.find(match)
        if (found) return found
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
          throw new Error(
            `no such log line (exit ${child.exitCode ?? child.signalCode}); stderr: ${stderr.join('')}`,
          )
        }
        await new Promise<void>((resolve) => {
          waiters.add(resolve)
          setTimeout(resolve, 200)
        }).finally(() => waiters.clear())
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

/** A TCP port free at the time of asking. */
export async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** What a request loop saw: answers by status, and errors by code. */
export interface LoopResult {
  statuses: Record<number, number>
  errors: Record<string, number>
}

/**
 * Sends GETs to `url` from `concurrency` loops until `stop()`, which resolves with the tally: a
 * new connection each (as a proxy without keep-alive does), or reused ones with `keepAlive`.
 */
export function requestLoop(url: string, concurrency = 4, options: { keepAlive?: boolean } = {}) {
  const result: LoopResult = { statuses: {}, errors: {} }
  let running = true
  const agent = options.keepAlive ? new http.Agent({ keepAlive: true }) : false
  const one = () =>
    new Promise<void>((resolve) => {
      const request = http.get(url, { agent }, (response) => {
        response.resume()
        response.on('end', () => {
          const status = response.statusCode ?? 0
          result.statuses[status] = (result.statuses[status] ?? 0) + 1
          resolve()
        })
      })
      request.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? error.message
        result.errors[code] = (result.errors[code] ?? 0) + 1
        resolve()
      })
    })
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      await one()
      // A refused connection (nothing listening) would otherwise spin.
      if (!running) break
      await sleep(1)
    }
  })
  return {
    result,
    async stop(): Promise<LoopResult> {
      running = false
      await Promise.all(loops)
      if (agent) agent.destroy()
      return result
    },
  }
}
