/** Which login the code is for: the app (`app:code:`) or the media platform (`mp:code:`). */
export type SmsScope = 'app' | 'mp'

/** Short-lived SMS login codes. */
export interface SmsCodeStore {
  /** Stores `code` for `mobile`, replacing any earlier one, for `ttlSeconds`. */
  save(scope: SmsScope, mobile: string, code: string, ttlSeconds: number): Promise<void>
  /** Returns the live code and deletes it (a code serves one login attempt), or null. */
  take(scope: SmsScope, mobile: string): Promise<string | null>
}

/** The original's key, e.g. `app:code:13911111111`. */
export const smsCodeKey = (scope: SmsScope, mobile: string) => `${scope}:code:${mobile}`
