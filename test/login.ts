import type { FastifyInstance } from 'fastify'
import { TEST_SMS_CODE } from './app.js'

/** Logs in (registering on first use) and returns the tokens and the user id from the token. */
export async function login(app: FastifyInstance, mobile = '13911111111') {
  const response = await app.inject({
    method: 'POST',
    url: '/v1_0/authorizations',
    payload: { mobile, code: TEST_SMS_CODE },
  })
  if (response.statusCode !== 201) {
    throw new Error(`login failed: ${response.statusCode} ${response.body}`)
  }
  const { token, refresh_token } = response.json().data as { token: string; refresh_token: string }
  return { token, refresh_token, userId: userIdOfToken(token), auth: bearer(token) }
}

/** The exact `user_id` digits from a token's payload (above 2^53, JSON.parse would round it). */
export function userIdOfToken(token: string): bigint {
  const payload = Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')
  const digits = /"user_id":(\d+)/.exec(payload)?.[1]
  if (!digits) throw new Error(`no user_id in ${payload}`)
  return BigInt(digits)
}

/** The `Authorization` header for a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
