import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createTokenService } from './tokens.js'

const SECRET = 'a-secret-of-enough-length'
const NOW = 1_750_000_000_000
const BIG_ID = 2006515713438646273n

/** An HS256 token written byte by byte, as another JWT library (PyJWT) would. */
function handMade(payload: string, secret = SECRET, header = '{"typ":"JWT","alg":"HS256"}') {
  const part = (text: string) => Buffer.from(text).toString('base64url')
  const input = `${part(header)}.${part(payload)}`
  const signature = createHmac('sha256', secret).update(input).digest('base64url')
  return `${input}.${signature}`
}

describe('tokens', () => {
  const tokens = createTokenService(SECRET, () => NOW)
  const exp = NOW / 1000 + 60

  it('round-trips a 64-bit user id exactly, with the refresh flag', async () => {
    for (const refresh of [false, true]) {
      const token = await tokens.sign({ userId: BIG_ID, refresh }, 60)
      expect(await tokens.verify(token)).toEqual({ userId: BIG_ID, refresh })
      const payload = Buffer.from(token.split('.')[1]!, 'base64url').toString()
      expect(payload).toBe(`{"exp":${exp},"user_id":${BIG_ID},"refresh":${refresh}}`)
    }
    const verified = await tokens.sign({ userId: 7n, refresh: false, verified: true }, 60)
    expect(await tokens.verify(verified)).toEqual({ userId: 7n, refresh: false, verified: true })
  })

  it("reads tokens of the original's PyJWT", async () => {
    const token = handMade(`{"exp": ${exp}, "user_id": ${BIG_ID}, "refresh": true}`)
    expect(await tokens.verify(token)).toEqual({ userId: BIG_ID, refresh: true })
    const small = handMade(`{"user_id":1,"exp":${exp}}`)
    expect(await tokens.verify(small)).toEqual({ userId: 1n, refresh: false })
  })

  it('refuses expired tokens, judged by the clock at verification', async () => {
    const token = await tokens.sign({ userId: BIG_ID, refresh: false }, 60)
    const later = createTokenService(SECRET, () => NOW + 60_000)
    expect(await later.verify(token)).toBeNull()
    const almost = createTokenService(SECRET, () => NOW + 59_000)
    expect(await almost.verify(token)).toEqual({ userId: BIG_ID, refresh: false })
    expect(await tokens.verify(await tokens.sign({ userId: 1n, refresh: false }, -1))).toBeNull()
  })

  it('refuses other keys, other algorithms, tampering and odd payloads', async () => {
    const token = await tokens.sign({ userId: BIG_ID, refresh: false }, 60)
    const [header, payload, signature] = token.split('.')
    const other = `{"exp":${exp},"user_id":1,"refresh":false}`
    const refused = [
      '',
      'garbage',
      `${header}.${payload}`,
      `${header}.${payload}.`,
      `${header}.${Buffer.from(other).toString('base64url')}.${signature}`,
      handMade(other, 'another-secret-of-enough-length'),
      handMade(other, SECRET, '{"typ":"JWT","alg":"none"}'),
      handMade(other, SECRET, '{"typ":"JWT","alg":"HS512"}'),
      handMade('not json'),
      handMade('[1,2]'),
      handMade(`{"user_id":1}`),
      handMade(`{"exp":"${exp}","user_id":1}`),
      handMade(`{"exp":${exp}}`),
      handMade(`{"exp":${exp},"user_id":0}`),
      handMade(`{"exp":${exp},"user_id":-5}`),
      handMade(`{"exp":${exp},"user_id":1.5}`),
      handMade(`{"exp":${exp},"user_id":"abc"}`),
      handMade(`{"exp":${exp},"user_id":99999999999999999999}`),
      handMade(`{"exp":${exp},"user_id":1,"__proto__":{"refresh":true}}`),
    ]
    for (const text of refused) expect([text, await tokens.verify(text)]).toEqual([text, null])
  })
})
