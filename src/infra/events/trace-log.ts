import path from 'node:path'
import { destination as fileDestination, pino, type Logger } from 'pino'

/** One JSON line per user action, for the recommender to learn from (the original's `trace` log). */
export interface TraceLog {
  write(entry: Record<string, unknown>): void
  close(): void
}

/** Appends to `<dir>/trace.log`. */
export function fileTraceLog(dir: string): TraceLog {
  const destination = fileDestination({
    dest: path.join(dir, 'trace.log'),
    mkdir: true,
    sync: false,
  })
  const log: Logger = pino({ base: null, timestamp: false }, destination)
  return {
    write: (entry) => log.info(entry),
    // end() flushes what is buffered; it also works before the file has finished opening.
    close: () => destination.end(),
  }
}
