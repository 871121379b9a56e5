import fs from 'node:fs'
import path from 'node:path'
import type { Logger } from 'pino'

/** Sends login codes by SMS. */
export interface SmsSender {
  sendLoginCode(mobile: string, code: string): Promise<void>
}

/** A mobile as logs may show it: `139****1111`. */
export const maskMobile = (mobile: string) => `${mobile.slice(0, 3)}****${mobile.slice(-4)}`

/**
 * Development and demos (never production): appends `<time> <mobile> <code>` to an outbox file
 * instead of sending. Codes stay out of the application log, whatever its level.
 */
export function outboxSmsSender(file: string, log: Logger): SmsSender {
  return {
    async sendLoginCode(mobile, code) {
      await fs.promises.mkdir(path.dirname(file), { recursive: true })
      await fs.promises.appendFile(file, `${new Date().toISOString()} ${mobile} ${code}\n`, {
        mode: 0o600,
      })
      log.info({ mobile: maskMobile(mobile), outbox: file }, 'SMS login code written to the outbox')
    },
  }
}
