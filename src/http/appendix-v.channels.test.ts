import { afterAll, beforeAll, describe } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { appendixContext, walkRows, type Context, type Row } from '../../test/appendix.js'
import { BAD_REQUEST, NOT_FOUND } from '../errors.js'

const REQUIRED = 'Channels param is required.'
const INVALID = 'Invalid channels param.'
const MISSING_JSON = 'Missing required parameter in the JSON body'

/** §2.1: the channel bar writes, under /v1_0 and /v1_1 alike. */
function channelRows(version: string): Row[] {
  const url = `/${version}/user/channels`
  const write = (method: string, raw: string, message: unknown, type?: string): Row => ({
    req: `${method} ${url}`,
    as: 'user',
    raw,
    status: 400,
    message,
    ...(type ? { type } : {}),
  })
  const remove = (raw: string, message: unknown): Row => ({ ...write('DELETE', raw, message) })
  const positive = (n: string) => `Invalid channels: ${n}. channels must be a positive integer`
  return [
    ...['POST', 'PUT', 'PATCH', 'DELETE'].map((method): Row => ({
      req: `${method} ${url}`,
      json: { channels: [{ id: 1, seq: 1 }] },
      status: 401,
      message: 'User must be authorized.',
    })),
    ...['POST', 'PUT', 'PATCH'].flatMap((method): Row[] => [
      ...['null', 'false', '0', '""', '[]', '{}'].map((raw) => write(method, raw, REQUIRED)),
      ...['{}', '{"channels":null}', '{"channels":[]}', '{"channels":{}}', '{"channels":0}']
        .concat('{"channels":""}', '{"channels":false}')
        .map((raw) => write(method, raw, REQUIRED)),
      ...['"abc"', '5', '{"id":1}'].map((channels) =>
        write(method, `{"channels":${channels}}`, INVALID),
      ),
      write(method, '{"channels":[1]}', INVALID),
      write(method, '{"channels":[{"id":1}]}', INVALID),
      write(method, '{"channels":[{"seq":1}]}', INVALID),
      write(method, '{"channels":[{"id":1,"seq":"abc"}]}', INVALID),
      write(method, '{"channels":[{"id":1,"seq":null}]}', INVALID),
      write(method, '{"channels":[{"id":999,"seq":-1}]}', INVALID),
      write(
        method,
        '{"channels":[{"id":1,"seq":1},{"id":1,"seq":2}]}',
        'Repeated channels occurred.',
      ),
      write(
        method,
        '{"channels":[{"id":1,"seq":1},{"id":1.0,"seq":2}]}',
        'Repeated channels occurred.',
      ),
      write(
        method,
        '{"channels":[{"id":1,"seq":1},{"id":true,"seq":2}]}',
        'Repeated channels occurred.',
      ),
      ...['999', '0', '"1"', '1.5'].map((id) =>
        write(method, `{"channels":[{"id":${id},"seq":1}]}`, INVALID),
      ),
      write(method, '{"channels":[{"id":1,"seq":-1}]}', 'Invalid channel sequence param.'),
      write(method, '{"channels":[{"id":1,"seq":"-1"}]}', 'Invalid channel sequence param.'),
      write(method, '', BAD_REQUEST),
      write(method, '{"channels":', BAD_REQUEST),
      write(method, '{"channels":', BAD_REQUEST, 'text/plain'),
    ]),
    {
      req: `PUT ${url}`,
      as: 'user',
      raw: '{"channels":[{"id":1,"seq":" 7 "},{"id":2,"seq":0}]}',
      type: 'text/plain',
      status: 201,
      data: {
        channels: [
          { id: 1, seq: 7 },
          { id: 2, seq: 0 },
        ],
      },
    },
    remove('{}', { channels: MISSING_JSON }),
    remove('{"channels":[]}', { channels: MISSING_JSON }),
    remove('null', { channels: MISSING_JSON }),
    remove('{"channels":[0]}', { channels: positive('0') }),
    remove('{"channels":0}', { channels: positive('0') }),
    remove('{"channels":[false]}', { channels: positive('0') }),
    remove('{"channels":[-1]}', { channels: positive('-1') }),
    remove('{"channels":["abc"]}', { channels: 'abc is not a valid integer' }),
    remove('{"channels":"abc"}', { channels: 'abc is not a valid integer' }),
    remove('{"channels":[1,"x"]}', { channels: 'x is not a valid integer' }),
    remove('{"channels":[[1]]}', { channels: '[1] is not a valid integer' }),
    remove('{"channels":[{"a":1}]}', { channels: "{'a': 1} is not a valid integer" }),
    remove('{"channels":{"a":1}}', { channels: "{'a': 1} is not a valid integer" }),
    remove('{"channels":{}}', { channels: '{} is not a valid integer' }),
    ...['null', '[null]', '[1.5]', '[true]', '" 7 "'].map((channels): Row => ({
      req: `DELETE ${url}`,
      as: 'user',
      raw: `{"channels":${channels}}`,
      status: 204,
    })),
  ]
}

const seq = (json: unknown, message: unknown, target = '3'): Row => ({
  req: `PUT /v1_0/user/channels/${target}`,
  as: 'user',
  json,
  status: 400,
  message,
})
const invalidSeq = (n: string) => ({ seq: `Invalid seq: ${n}. seq must be a positive integer` })

const rows: Row[] = [
  ...channelRows('v1_0'),
  ...channelRows('v1_1'),
  seq({}, { seq: MISSING_JSON }),
  ...[0, false, 0.5, -0.5].map((value) => seq({ seq: value }, invalidSeq('0'))),
  seq({ seq: -3 }, invalidSeq('-3')),
  seq({ seq: 'abc' }, { seq: 'abc is not a valid integer' }),
  seq({ seq: '' }, { seq: ' is not a valid integer' }),
  seq({ seq: [1] }, { seq: '[1] is not a valid integer' }),
  seq({ seq: [] }, { seq: '[] is not a valid integer' }),
  seq({ seq: { a: 1 } }, { seq: "{'a': 1} is not a valid integer" }),
  { ...seq(undefined, { seq: 'cannot convert float infinity to integer' }), raw: '{"seq":1e400}' },
  seq({ seq: 1 }, 'Invalid channel id.', '999'),
  seq({ seq: 0 }, invalidSeq('0'), '999'),
  {
    req: 'PUT /v1_0/user/channels/3',
    as: 'user',
    json: { seq: ' 2 ' },
    status: 201,
    data: { id: 3, seq: 2 },
  },
  {
    req: 'PUT /v1_0/user/channels/0',
    as: 'user',
    json: { seq: 1 },
    status: 404,
    message: NOT_FOUND,
  },
  { req: 'DELETE /v1_0/user/channels/999', as: 'user', status: 204 },
  { req: 'DELETE /v1_0/user/channels/0', as: 'user', status: 404, message: NOT_FOUND },
]

describe('Appendix V: channel bar writes', () => {
  let t: TestApp
  let context: Context
  beforeAll(async () => {
    t = await buildTestApp()
    context = await appendixContext(t.app, {})
  })
  afterAll(() => t.close())

  walkRows(rows, () => context)
})
