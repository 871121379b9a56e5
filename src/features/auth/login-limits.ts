import type { Deps } from '../../deps.js'
import { AppError } from '../../errors.js'
import { smsCodeKey, type SmsScope } from '../../infra/store/sms-codes.js'

/** Failed logins allowed per mobile and per IP address in one window. */
export const LOGIN_LIMITS = {
  mobile: { max: 10, windowMs: 15 * 60_000 },
  ip: { max: 50, windowMs: 15 * 60_000 },
} as const

/** A 429 `Too many requests.` that says when to come back (the route sets `Retry-After`). */
export class TooManyRequests extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'Too many requests.')
  }
}

type LimitDeps = Pick<Deps, 'rateCounters'>

// Named after the code store's key (`app:code:` / `mp:code:`), so each login keeps its own counts.
const keys = (scope: SmsScope, mobile: string, ip: string) => ({
  mobile: `${smsCodeKey(scope, 'login')}:mobile:${mobile}`,
  ip: `${smsCodeKey(scope, 'login')}:ip:${ip}`,
})

/** Throws TooManyRequests while the mobile or the IP address has used up its failed logins. */
export async function assertLoginAllowed(
  deps: LimitDeps,
  scope: SmsScope,
  mobile: string,
  ip: string,
): Promise<void> {
  const names = keys(scope, mobile, ip)
  const [byIp, byMobile] = await Promise.all([
    deps.rateCounters.peek(names.ip),
    deps.rateCounters.peek(names.mobile),
  ])
  for (const [window, limit] of [
    [byIp, LOGIN_LIMITS.ip],
    [byMobile, LOGIN_LIMITS.mobile],
  ] as const) {
    if (window.hits >= limit.max) throw new TooManyRequests(Math.ceil(window.ttlMs / 1000))
  }
}

/** Counts a failed login against the mobile and the IP address. */
export async function countLoginFailure(
  deps: LimitDeps,
  scope: SmsScope,
  mobile: string,
  ip: string,
): Promise<void> {
  const names = keys(scope, mobile, ip)
  await Promise.all([
    deps.rateCounters.hit(names.ip, LOGIN_LIMITS.ip.windowMs),
    deps.rateCounters.hit(names.mobile, LOGIN_LIMITS.mobile.windowMs),
  ])
}
