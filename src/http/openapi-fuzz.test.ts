import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { InjectOptions } from 'fastify'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { login } from '../../test/login.js'

/**
 * Walks every route and method of the OpenAPI document (`/docs/json`), under both app mounts,
 * anonymous and logged in, with malformed variants of every parameter and body: wrong types,
 * huge and negative numbers, 2^64+1, 1 MB strings, NUL bytes, invalid JSON, wrong content types
 * and deep nesting. Any 5xx, or a server that stops answering, fails the run. The values tried per
 * parameter are a fixed pseudo-random sample, so the run is the same every time and stays short.
 */

interface Parameter {
  in: 'path' | 'query' | 'header'
  name: string
  required?: boolean
  schema?: { type?: string }
}
interface Operation {
  parameters?: Parameter[]
  requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> }
}

const MB = 'x'.repeat(1024 * 1024)
const DEEP_ARRAY = `${'['.repeat(20_000)}${']'.repeat(20_000)}`
const DEEP_OBJECT = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`

/** Malformed texts for path, query and header parameters. */
const TEXTS = [
  'abc',
  '-1',
  '0',
  '1.5',
  '1e309',
  '18446744073709551617',
  '-9223372036854775809',
  '99999999999999999999999999999999999999',
  '8640000000000001',
  '\u0000',
  'a\u0000b',
  '%00',
  '[]',
  '{"a":1}',
  'null',
  'true',
  '',
  ' ',
  '../../etc/passwd',
  '１',
  MB,
]

/** Malformed JSON values (as JSON text) for body fields. */
const VALUES = [
  '18446744073709551617',
  '-18446744073709551617',
  '-1',
  '0',
  '1.5',
  '1e400',
  '-9223372036854775809',
  '9223372036854775808',
  '"abc"',
  '""',
  '"\\u0000"',
  '"a\\u0000b"',
  `"${MB}"`,
  'null',
  'true',
  '[]',
  '[1,"a",null]',
  '{}',
  '{"__proto__":{"x":1}}',
  DEEP_ARRAY,
  DEEP_OBJECT,
]

/** Whole bodies that are not what any route expects. */
const BODIES: { type: string | undefined; body: string | Buffer }[] = [
  { type: 'application/json', body: '{' },
  { type: 'application/json', body: '' },
  { type: 'application/json', body: 'null' },
  { type: 'application/json', body: '12345678901234567890123' },
  { type: 'application/json', body: '[1,2,3]' },
  { type: 'application/json', body: '"\\u0000"' },
  { type: 'application/json', body: DEEP_ARRAY },
  { type: 'application/json', body: DEEP_OBJECT },
  { type: 'application/json', body: `{"a":"${MB}"}` },
  { type: 'application/json; charset=latin1', body: '{"a":1}' },
  { type: 'text/plain', body: '{"target":1}' },
  { type: 'application/x-www-form-urlencoded', body: 'target=1&content=x' },
  { type: 'application/xml', body: '<a>1</a>' },
  { type: 'multipart/form-data', body: '--x\r\n' },
  {
    type: 'multipart/form-data; boundary=x',
    body: '--x\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n\r\n\x89PNG',
  },
  { type: undefined, body: Buffer.from([0, 1, 2, 0xff, 0xfe]) },
]

const ALWAYS_BODIES = [BODIES[0]!, BODIES[1]!, BODIES[14]!]

/** A fixed-seed generator: the same sample on every run. */
function sampler(seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = Math.imul(state ^ (state >>> 15), 1 | state)
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
  return <T>(items: readonly T[], count: number): T[] => {
    const pool = [...items]
    const picked: T[] = []
    while (picked.length < count && pool.length > 0) {
      picked.push(pool.splice(Math.floor(next() * pool.length), 1)[0]!)
    }
    return picked
  }
}

/** A plausible value for a parameter, so that the other parameters are what gets tested. */
const plausible = (parameter: Parameter) =>
  parameter.name === 'trace' ? '{"action":"read"}' : parameter.schema?.type === 'string' ? '1' : '1'

// Per parameter and per body field, this many malformed values (plus the always-tried ones).
const PER_PARAMETER = 5
const ALWAYS_TEXTS = ['18446744073709551617', '\u0000', MB]
const ALWAYS_VALUES = ['18446744073709551617', `"${MB}"`, DEEP_ARRAY]

describe('OpenAPI fuzz: no 5xx for any malformed request', () => {
  let t: TestApp
  let token: string
  let operations: { method: string; path: string; operation: Operation }[]
  beforeAll(async () => {
    t = await buildTestApp()
    token = (await login(t.app, '13800000001')).token
    // The embedded search index builds in the background and answers 503 until then.
    await vi.waitFor(
      async () =>
        expect((await t.app.inject({ url: '/v1_0/suggestion?q=a' })).statusCode).toBe(200),
      { timeout: 20_000, interval: 100 },
    )
    const document = (await t.app.inject({ url: '/docs/json' })).json() as {
      paths: Record<string, Record<string, Operation>>
    }
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
    )
  })
  afterAll(() => t.close())

  it('walks every route and method under both mounts, anonymous and logged in', async () => {
    expect(operations.length).toBeGreaterThan(40)
    const pick = sampler(20_240_601)
    const failures: string[] = []
    let sent = 0
    const send = async (options: InjectOptions, what: string) => {
      sent++
      const response = await t.app.inject(options)
      if (response.statusCode >= 500) {
        failures.push(`${response.statusCode} ${what}: ${response.body.slice(0, 200)}`)
      }
    }

    for (const { method, path, operation } of operations) {
      const mounts = /^\/v1_\d\//.test(path) ? ['', '/app'] : ['']
      const parameters = operation.parameters ?? []
      const fields = Object.keys(
        Object.values(operation.requestBody?.content ?? {})[0]?.schema?.properties ?? {},
      )
      const canHaveBody = method !== 'GET' && method !== 'DELETE'
      for (const mount of mounts) {
        for (const authorization of [undefined, `Bearer ${token}`]) {
          const request = (values: Map<Parameter, string>, body?: (typeof BODIES)[number]) => {
            let url = `${mount}${path}`
            const query: string[] = []
            const headers: Record<string, string> = {}
            if (authorization) headers['authorization'] = authorization
            for (const parameter of parameters) {
              const value = values.get(parameter) ?? plausible(parameter)
              if (parameter.in === 'path') {
                url = url.replace(`{${parameter.name}}`, encodeURIComponent(value))
              } else if (parameter.in === 'query') {
                query.push(`${parameter.name}=${encodeURIComponent(value)}`)
              } else {
                // Header values cannot hold NUL or line breaks on the wire; send what can be sent.
                headers[parameter.name] = [...value].filter((c) => c >= ' ').join('')
              }
            }
            if (query.length > 0) url += `?${query.join('&')}`
            const options: InjectOptions = { method: method as 'GET', url, headers }
            if (body) {
              if (body.type) headers['content-type'] = body.type
              options.payload = body.body
            }
            return options
          }
          const label = `${method} ${mount}${path} ${authorization ? 'token' : 'anonymous'}`

          await send(request(new Map()), `${label} plausible`)
          for (const parameter of parameters) {
            const texts = new Set([...ALWAYS_TEXTS, ...pick(TEXTS, PER_PARAMETER)])
            for (const text of texts) {
              await send(
                request(new Map([[parameter, text]])),
                `${label} ${parameter.in} ${parameter.name}=${JSON.stringify(text.slice(0, 30))}`,
              )
            }
          }
          if (!canHaveBody) continue
          // Routes without a JSON body (uploads) get every kind; the others a sample.
          const bodies = fields.length === 0 ? BODIES : [...ALWAYS_BODIES, ...pick(BODIES, 6)]
          for (const body of new Set(bodies)) {
            const start = String(body.body).slice(0, 30)
            await send(request(new Map(), body), `${label} body ${body.type} ${start}`)
          }
          for (const field of fields) {
            const values = new Set([...ALWAYS_VALUES, ...pick(VALUES, PER_PARAMETER)])
            for (const value of values) {
              const others = fields
                .filter((other) => other !== field)
                .map((other) => `"${other}":1`)
              const text = `{${[`"${field}":${value}`, ...others].join(',')}}`
              await send(
                request(new Map(), { type: 'application/json', body: text }),
                `${label} body ${field}=${value.slice(0, 30)}`,
              )
            }
          }
        }
      }
      // The server must still be answering after each route's batch.
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200)
    }
    // Unusual identities on a route that reads them.
    for (const authorization of [
      'Bearer x',
      `Bearer ${MB}`,
      'Anony \u0000',
      `Anony ${MB}`,
      'Basic x',
    ]) {
      await send(
        { url: '/v1_1/articles?channel_id=1&timestamp=1', headers: { authorization } },
        `authorization ${authorization.slice(0, 20)}`,
      )
    }
    expect(failures).toEqual([])
    expect(sent).toBeGreaterThan(2000)
  }, 180_000)
})
