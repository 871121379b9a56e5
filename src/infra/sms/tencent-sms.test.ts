import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'

interface ProviderCall {
  headers: http.IncomingHttpHeaders
  body: Record<string, unknown>
}

/** What Tencent Cloud answers to SendSms, as its API documentation shows it. */
const sent = (phone: string) => ({
  Response: {
    SendStatusSet: [
      {
        SerialNo: '5000:1045710669157053657849499619',
        PhoneNumber: phone,
        Fee: 1,
        SessionContext: '',
        Code: 'Ok',
        Message: 'send success',
        IsoCode: 'CN',
      },
    ],
    RequestId: 'a0aabda6-cf91-4f3e-a81f-9198114a2279',
  },
})
const refusedStatus = (phone: string) => ({
  Response: {
    SendStatusSet: [
      {
        SerialNo: '',
        PhoneNumber: phone,
        Fee: 0,
        SessionContext: '',
        Code: 'LimitExceeded.PhoneNumberDailyLimit',
        Message:
          'the number of sms messages sent from a single mobile number every day exceeds the upper limit',
        IsoCode: 'CN',
      },
    ],
    RequestId: 'b6c1b9f0-0b2f-4c4e-9d43-0c1f4a6b7e21',
  },
})
const authFailure = {
  Response: {
    Error: { Code: 'AuthFailure.SecretIdNotFound', Message: 'The SecretId is not found.' },
    RequestId: 'c2a1f1e4-6d2e-4b4b-8b8e-4e5f1d2c3b4a',
  },
}

/** The code as a number of its own (timestamps in the log hold many digits). */
const standalone = (code: string) => new RegExp(`(?<![0-9])${code}(?![0-9])`)

/** Lines the app logged, at every level. */
const lines: string[] = []

describe('Tencent Cloud SMS behind SMS_URL, against a local stand-in for its endpoint', () => {
  let t: TestApp
  let provider: http.Server
  const calls: ProviderCall[] = []
  let answer: (phone: string) => unknown = sent

  beforeAll(async () => {
    provider = http.createServer((request, response) => {
      let text = ''
      request.on('data', (chunk: Buffer) => (text += chunk.toString()))
      request.on('end', () => {
        const body = JSON.parse(text) as Record<string, unknown>
        calls.push({ headers: request.headers, body })
        const [phone] = body['PhoneNumberSet'] as string[]
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify(answer(phone ?? '')))
      })
    })
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve))
    const { port } = provider.address() as AddressInfo
    t = await buildTestApp({
      env: {
        SMS_TEST_CODE: '',
        LOG_LEVEL: 'trace',
        SMS_URL: `tencentcloud://AKIDtest:topsecret@127.0.0.1:${port}?protocol=http&sdkAppId=1400000000&signName=Headline&templateId=123456&region=ap-guangzhou`,
      },
      logStream: { write: (line) => void lines.push(line) },
    })
  })
  afterAll(async () => {
    await t?.close()
    await new Promise((resolve) => provider?.close(resolve))
  })

  it('sends the code with SendSms, and the code logs in', async () => {
    const mobile = '13700000201'
    const response = await t.app.inject({ url: `/v1_0/sms/codes/${mobile}` })
    expect(response.statusCode).toBe(200)
    const call = calls.at(-1)!
    expect(call.headers['x-tc-action']).toBe('SendSms')
    expect(call.headers['x-tc-version']).toBe('2021-01-11')
    expect(call.headers['x-tc-region']).toBe('ap-guangzhou')
    expect(call.headers['authorization']).toMatch(/^TC3-HMAC-SHA256 Credential=AKIDtest\//)
    expect(call.body).toMatchObject({
      PhoneNumberSet: ['+8613700000201'],
      SmsSdkAppId: '1400000000',
      SignName: 'Headline',
      TemplateId: '123456',
      TemplateParamSet: [expect.stringMatching(/^\d{6}$/)],
    })
    const [code] = call.body['TemplateParamSet'] as string[]
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1_0/authorizations',
      payload: { mobile, code },
    })
    expect(login.statusCode).toBe(201)
    const log = lines.join('')
    expect(log).toContain('"mobile":"137****0201"')
    expect(log).not.toMatch(standalone(code!))
    expect(log).not.toContain('topsecret')
  })

  it.each([
    ['a refused message', refusedStatus],
    ['an API error', () => authFailure],
  ])('answers 503 when the provider gives %s, and logs no code', async (_, reply) => {
    answer = reply
    try {
      const mobile = reply === refusedStatus ? '13700000202' : '13700000203'
      const response = await t.app.inject({ url: `/v1_0/sms/codes/${mobile}` })
      expect(response.statusCode).toBe(503)
      expect(response.json()).toEqual({
        message: 'Login is unavailable right now, please try again later.',
      })
      const [code] = calls.at(-1)!.body['TemplateParamSet'] as string[]
      expect(lines.join('')).not.toMatch(standalone(code!))
    } finally {
      answer = sent
    }
  })
})

describe('without SMS_URL (development)', () => {
  let t: TestApp
  const devLines: string[] = []
  beforeAll(async () => {
    t = await buildTestApp({
      env: { SMS_TEST_CODE: '', LOG_LEVEL: 'trace' },
      logStream: { write: (line) => void devLines.push(line) },
    })
  })
  afterAll(() => t?.close())

  it('writes codes to the outbox file, never to the log', async () => {
    const mobile = '13700000204'
    expect((await t.app.inject({ url: `/v1_0/sms/codes/${mobile}` })).statusCode).toBe(200)
    const outbox = fs.readFileSync(path.join(t.dataDir, 'sms-outbox.txt'), 'utf8')
    const code = new RegExp(`${mobile} (\\d{6})\\n$`).exec(outbox)?.[1]
    expect(code).toMatch(/^\d{6}$/)
    expect(devLines.join('')).toContain('sms-outbox.txt')
    expect(devLines.join('')).not.toMatch(standalone(code!))
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1_0/authorizations',
      payload: { mobile, code },
    })
    expect(login.statusCode).toBe(201)
  })
})
