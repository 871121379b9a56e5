import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { Captcha } from './captcha.js'

/** How long a challenge stays answerable (the original kept `capt:<mobile>` for 300 s). */
export const CHALLENGE_SECONDS = 300
const BUCKET_SECONDS = 60

const md5 = (text: string) => createHash('md5').update(text).digest('hex')

/**
 * Geetest's offline ("failback") mode, which the original fell back to when Geetest could not be
 * reached and which is all this server can offer: `register` answers `success: 0` with a
 * challenge, and an answer passes when `validate` is the MD5 of that challenge (what the Geetest
 * SDK's `failback_validate` checks). The challenge is an HMAC of the subject and the minute it
 * was issued, so any node can check it without shared state; it is refused after
 * CHALLENGE_SECONDS. Like the original's offline mode, it keeps out only clients that do not
 * speak the protocol: rate limits on the SMS route do the real work.
 */
export function geetestFailback(
  secret: string,
  options: { captchaId?: string; now?: () => number } = {},
): Captcha {
  const now = options.now ?? Date.now
  const challengeOf = (subject: string, bucket: number) => {
    const mac = createHmac('sha256', secret).update(`geetest-failback|${subject}|${bucket}`)
    return mac.digest('hex').slice(0, 32) + (bucket % 256).toString(16).padStart(2, '0')
  }
  const bucketNow = () => Math.floor(now() / 1000 / BUCKET_SECONDS)
  return {
    async register(subject) {
      const challenge = challengeOf(subject, bucketNow())
      return JSON.stringify({
        success: 0,
        gt: options.captchaId ?? '',
        challenge,
        new_captcha: true,
      })
    },
    async verify(subject, answer) {
      const { challenge, validate, seccode } = answer
      const current = bucketNow()
      let live = false
      for (let age = 0; age <= CHALLENGE_SECONDS / BUCKET_SECONDS && !live; age++)
        live = same(challenge, challengeOf(subject, current - age))
      if (!live) return 'expired'
      if (!validate.trim() || !seccode.trim()) return 'failed'
      return same(validate, md5(challenge)) ? 'ok' : 'failed'
    },
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
