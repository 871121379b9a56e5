import cluster, { type Worker } from 'node:cluster'
import { once } from 'node:events'
import type { Logger } from 'pino'

export interface PrimaryOptions {
  /** HTTP workers to keep running. */
  workers: number
  log: Logger
  /** Longest a stopping worker may take to finish its requests before it is killed. */
  drainMs?: number
}

// A worker that dies this soon after starting is restarted after a growing pause.
const STEADY_MS = 10_000
const MAX_BACKOFF_MS = 30_000

/**
 * The primary of cluster mode: forks `workers` processes that share the listening port (the
 * primary accepts and hands connections round-robin), restarts any that dies, replaces them one
 * at a time on SIGHUP (each new one listens before the old one drains), and on SIGTERM or SIGINT
 * drains them all. Resolves once every worker has stopped; rejects if the first start fails.
 */
export async function runPrimary(options: PrimaryOptions): Promise<void> {
  const { log } = options
  const drainMs = options.drainMs ?? 15_000
  const slots: (Worker | undefined)[] = Array.from({ length: options.workers })
  let stopping = false
  let reloading = false
  let backoffMs = 1000

  const spawn = (index: number) => {
    const worker = cluster.fork({ HEADLINE_WORKER_INDEX: String(index) })
    const startedAt = Date.now()
    const listening = new Promise<void>((resolve, reject) => {
      worker.once('listening', () => resolve())
      worker.once('exit', (code, signal) =>
        reject(new Error(`worker ${index} exited (${signal ?? code}) before listening`)),
      )
    })
    listening.catch(() => undefined)
    worker.on('exit', (code, signal) => {
      if (stopping || slots[index] !== worker) return
      slots[index] = undefined
      const steady = Date.now() - startedAt > STEADY_MS
      backoffMs = steady ? 1000 : Math.min(backoffMs * 2, MAX_BACKOFF_MS)
      const delayMs = steady ? 0 : backoffMs
      log.error(
        { index, pid: worker.process.pid, code, signal, delayMs },
        'worker died; restarting',
      )
      setTimeout(() => {
        if (!stopping && slots[index] === undefined) slots[index] = spawn(index).worker
      }, delayMs).unref()
    })
    return { worker, listening }
  }

  const retire = async (worker: Worker) => {
    const exited = once(worker, 'exit')
    worker.process.kill('SIGTERM')
    const timer = setTimeout(() => worker.process.kill('SIGKILL'), drainMs)
    await exited
    clearTimeout(timer)
  }

  const reload = async () => {
    if (reloading || stopping) return
    reloading = true
    log.info('reloading workers one by one')
    try {
      for (let index = 0; index < slots.length && !stopping; index++) {
        const old = slots[index]
        const next = spawn(index)
        try {
          await next.listening
        } catch (error) {
          log.error({ err: error }, 'new worker did not start; keeping the running ones')
          return
        }
        slots[index] = next.worker
        if (old) await retire(old)
      }
      log.info({ pids: slots.map((worker) => worker?.process.pid) }, 'workers reloaded')
    } finally {
      reloading = false
    }
  }

  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'draining workers')
    const live = Object.values(cluster.workers ?? {}).filter((worker) => worker && !worker.isDead())
    await Promise.all(live.map((worker) => retire(worker as Worker)))
  }

  const first = slots.map((_, index) => spawn(index))
  first.forEach(({ worker }, index) => (slots[index] = worker))
  try {
    await Promise.all(first.map(({ listening }) => listening))
  } catch (error) {
    await stop('start failed')
    throw error
  }
  log.info({ workers: slots.map((worker) => worker?.process.pid) }, 'workers listening')

  const stopped = new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        stop(signal).then(resolve, (error: unknown) => log.error({ err: error }, 'drain failed'))
      })
    }
  })
  process.on('SIGHUP', () => {
    reload().catch((error: unknown) => log.error({ err: error }, 'reload failed'))
  })
  await stopped
  log.info('workers stopped')
}
