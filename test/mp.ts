import type { FastifyInstance } from 'fastify'
import { TEST_SMS_CODE } from './app.js'
import { bearer, userIdOfToken } from './login.js'

/** Logs an author into mp with the test code; the tokens, the id and the auth header. */
export async function mpLogin(app: FastifyInstance, mobile = '13911111111') {
  const response = await app.inject({
    method: 'POST',
    url: '/mp/v1_0/authorizations',
    payload: { mobile, code: TEST_SMS_CODE },
  })
  if (response.statusCode !== 201) {
    throw new Error(`mp login failed: ${response.statusCode} ${response.body}`)
  }
  const { token, refresh_token } = response.json().data as { token: string; refresh_token: string }
  return { token, refresh_token, userId: userIdOfToken(token), auth: bearer(token) }
}
