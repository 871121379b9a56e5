/** Which login the code is for: the app (`app:code:`) or the media platform (`mp:code:`). */
export type SmsScope = 'app' | 'mp'

/** Guesses a code survives: the fifth wrong one kills it. */
export const SMS_CODE_MAX_TRIES = 5

/** Short-lived SMS login codes. */
export interface SmsCodeStore {
  /** Stores `code` for `mobile`, replacing any earlier one and its tries, for `ttlSeconds`. */
  save(scope: SmsScope, mobile: string, code: string, ttlSeconds: number): Promise<void>
  /**
   * True once for the live code (then it is gone). A wrong guess leaves the code in place but
   * counts; after SMS_CODE_MAX_TRIES wrong guesses the code is deleted. Concurrent guesses are
   * counted before they are compared, so no burst gets more than SMS_CODE_MAX_TRIES of them.
   */
  check(scope: SmsScope, mobile: string, code: string): Promise<boolean>
}

/** The original's key, e.g. `app:code:13911111111`. */
export const smsCodeKey = (scope: SmsScope, mobile: string) => `${scope}:code:${mobile}`

/** Where the guesses at a code are counted, e.g. `app:code:13911111111:tries`. */
export const smsTriesKey = (scope: SmsScope, mobile: string) => `${smsCodeKey(scope, mobile)}:tries`
