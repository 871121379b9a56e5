/** The three values a Geetest client sends back after the captcha (`challenge`, `validate`, `seccode`). */
export interface CaptchaAnswer {
  challenge: string
  validate: string
  seccode: string
}

/** `ok`; `expired` (no live challenge for this subject: 400); `failed` (wrong answer: 403). */
export type CaptchaVerdict = 'ok' | 'expired' | 'failed'

/** The login captcha (Geetest's wire shape): a real provider can replace the offline mode. */
export interface Captcha {
  /** Starts a captcha for `subject` (a mobile); returns Geetest's JSON text for the client. */
  register(subject: string): Promise<string>
  /** Checks the client's answer to a captcha started for `subject`. */
  verify(subject: string, answer: CaptchaAnswer): Promise<CaptchaVerdict>
}
