import type { Logger } from 'pino'

/** Sends login codes by SMS. */
export interface SmsSender {
  sendLoginCode(mobile: string, code: string): Promise<void>
}

/** Writes the code to the log instead of sending it (development and demos). */
export function logSmsSender(log: Logger): SmsSender {
  return {
    async sendLoginCode(mobile, code) {
      log.info({ mobile, code }, 'SMS login code (log sender: not sent)')
    },
  }
}
