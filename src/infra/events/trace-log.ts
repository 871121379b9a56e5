import fs from 'node:fs'
import path from 'node:path'
import { destination as fileDestination, pino, type Logger } from 'pino'

/** One JSON line per user action, for the recommender to learn from (the original's `trace` log). */
export interface TraceLog {
  write(entry: Record<string, unknown>): void
  close(): void
}

/** Names of the daily files the trace log rotates into (purged after TRACE_LOG_RETENTION_DAYS). */
export const TRACE_LOG_ROTATED = /^trace-\d{4}-\d{2}-\d{2}(\.\d+)?\.log$/

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const DAY_MS = 86_400_000

/** Appends to `<dir>/trace.log`; on the first line of a new UTC day, yesterday's file becomes `trace-<day>.log`. */
export function fileTraceLog(dir: string, now: () => number = Date.now): TraceLog {
  const file = path.join(dir, 'trace.log')
  const destination = fileDestination({ dest: file, mkdir: true, sync: false })
  const log: Logger = pino({ base: null, timestamp: false }, destination)
  let day = utcDay(now())
  let dayStart = now() - (now() % DAY_MS)
  const rotate = (today: string) => {
    let target = path.join(dir, `trace-${day}.log`)
    for (let n = 1; fs.existsSync(target); n++) target = path.join(dir, `trace-${day}.${n}.log`)
    try {
      fs.renameSync(file, target)
      destination.reopen()
    } catch {
      // Nothing written yet, or another process rotated it: keep writing.
    }
    day = today
  }
  return {
    write: (entry) => {
      const at = now()
      // The day's name is looked at only when the time leaves the current UTC day.
      if (at < dayStart || at >= dayStart + DAY_MS) {
        dayStart = at - (at % DAY_MS)
        const today = utcDay(at)
        if (today !== day) rotate(today)
      }
      log.info(entry)
    },
    // end() flushes what is buffered; it also works before the file has finished opening.
    close: () => destination.end(),
  }
}
