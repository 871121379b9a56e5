import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SMS_CODE_MAX_TRIES, type SmsCodeStore } from '../../src/infra/store/sms-codes.js'

/** A store under test, a way to let time pass for it, and how to release it. */
export interface SmsCodeStoreHarness {
  store: SmsCodeStore
  /** Lets `seconds` pass as the store sees time (an injected clock, or a real wait). */
  elapse(seconds: number): Promise<void>
  close(): Promise<void>
}

let nextMobile = 13_000_000_000 + Math.floor(Math.random() * 900_000_000)

/** A mobile number no other test uses. */
const freshMobile = () => String((nextMobile += 1))

/** The behaviour every SmsCodeStore implementation must show. */
export function smsCodeStoreContract(name: string, open: () => Promise<SmsCodeStoreHarness>) {
  describe(`SmsCodeStore contract: ${name}`, () => {
    let harness: SmsCodeStoreHarness
    let store: SmsCodeStore
    beforeAll(async () => {
      harness = await open()
      store = harness.store
    })
    afterAll(() => harness?.close())

    const wrong = (code: string) => (code === '000000' ? '000001' : '000000')

    it('refuses every code when none was sent', async () => {
      expect(await store.check('app', freshMobile(), '123456')).toBe(false)
    })

    it('accepts the code once, then refuses it', async () => {
      const mobile = freshMobile()
      await store.save('app', mobile, '012345', 300)
      expect(await store.check('app', mobile, '012345')).toBe(true)
      expect(await store.check('app', mobile, '012345')).toBe(false)
    })

    it('keeps the code through four wrong guesses', async () => {
      const mobile = freshMobile()
      await store.save('app', mobile, '024680', 300)
      for (let i = 0; i < SMS_CODE_MAX_TRIES - 1; i++) {
        expect(await store.check('app', mobile, wrong('024680'))).toBe(false)
      }
      expect(await store.check('app', mobile, '024680')).toBe(true)
    })

    it('kills the code at the fifth wrong guess', async () => {
      const mobile = freshMobile()
      await store.save('app', mobile, '135791', 300)
      for (let i = 0; i < SMS_CODE_MAX_TRIES; i++) {
        expect(await store.check('app', mobile, `00000${i}`)).toBe(false)
      }
      expect(await store.check('app', mobile, '135791')).toBe(false)
    })

    it('counts a burst of concurrent guesses before comparing them', async () => {
      const mobile = freshMobile()
      await store.save('app', mobile, '999999', 300)
      const guesses = Array.from({ length: 40 }, (_, i) => String(100000 + i))
      const results = await Promise.all(guesses.map((code) => store.check('app', mobile, code)))
      expect(results.every((ok) => !ok)).toBe(true)
      expect(await store.check('app', mobile, '999999')).toBe(false)
    })

    it('gives a code to one of several concurrent takers only', async () => {
      for (let round = 0; round < 10; round++) {
        const mobile = freshMobile()
        await store.save('app', mobile, '777777', 300)
        const taken = await Promise.all(
          Array.from({ length: 4 }, () => store.check('app', mobile, '777777')),
        )
        expect(taken.filter(Boolean)).toEqual([true])
      }
    })

    it('replaces an earlier code and its tries', async () => {
      const mobile = freshMobile()
      await store.save('app', mobile, '111111', 300)
      for (let i = 0; i < SMS_CODE_MAX_TRIES - 1; i++) await store.check('app', mobile, '000000')
      await store.save('app', mobile, '222222', 300)
      expect(await store.check('app', mobile, '111111')).toBe(false)
      for (let i = 0; i < SMS_CODE_MAX_TRIES - 2; i++) await store.check('app', mobile, '000000')
      expect(await store.check('app', mobile, '222222')).toBe(true)
    })

    it('refuses a code once it has expired, and keeps live codes', async () => {
      const [expiring, live] = [freshMobile(), freshMobile()]
      await store.save('app', expiring, '333333', 1)
      await store.save('app', live, '444444', 300)
      await harness.elapse(1.1)
      expect(await store.check('app', expiring, '333333')).toBe(false)
      expect(await store.check('app', live, '444444')).toBe(true)
    })

    it('keeps the app and media-platform codes of one mobile apart', async () => {
      const mobile = freshMobile()
      await store.save('app', mobile, '555555', 300)
      await store.save('mp', mobile, '666666', 300)
      expect(await store.check('mp', mobile, '555555')).toBe(false)
      expect(await store.check('mp', mobile, '666666')).toBe(true)
      expect(await store.check('app', mobile, '555555')).toBe(true)
    })
  })
}
