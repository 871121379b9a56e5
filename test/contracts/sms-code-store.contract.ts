import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SmsCodeStore } from '../../src/infra/store/sms-codes.js'

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

    it('answers null when no code was sent', async () => {
      expect(await store.take('app', freshMobile())).toBeNull()
    })

    it('gives a code back once, then null', async () => {
      const mobile = freshMobile()
      await store.save('app', mobile, '012345', 300)
      expect(await store.take('app', mobile)).toBe('012345')
      expect(await store.take('app', mobile)).toBeNull()
    })

    it('gives a code to one of several concurrent takers only', async () => {
      for (let round = 0; round < 10; round++) {
        const mobile = freshMobile()
        await store.save('app', mobile, '777777', 300)
        const taken = await Promise.all(Array.from({ length: 8 }, () => store.take('app', mobile)))
        expect(taken.filter((code) => code !== null)).toEqual(['777777'])
      }
    })

    it('replaces an earlier code', async () => {
      const mobile = freshMobile()
      await store.save('app', mobile, '111111', 300)
      await store.save('app', mobile, '222222', 300)
      expect(await store.take('app', mobile)).toBe('222222')
      expect(await store.take('app', mobile)).toBeNull()
    })

    it('answers null once the code has expired, and keeps live codes', async () => {
      const [expiring, live] = [freshMobile(), freshMobile()]
      await store.save('app', expiring, '333333', 1)
      await store.save('app', live, '444444', 300)
      await harness.elapse(1.1)
      expect(await store.take('app', expiring)).toBeNull()
      expect(await store.take('app', live)).toBe('444444')
    })

    it('keeps the app and media-platform codes of one mobile apart', async () => {
      const mobile = freshMobile()
      await store.save('app', mobile, '555555', 300)
      await store.save('mp', mobile, '666666', 300)
      expect(await store.take('mp', mobile)).toBe('666666')
      expect(await store.take('mp', mobile)).toBeNull()
      expect(await store.take('app', mobile)).toBe('555555')
    })
  })
}
