import { afterAll, beforeAll, describe } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { appendixContext, walkRows, type Context, type Row } from '../../test/appendix.js'
import { BAD_REQUEST, NOT_FOUND } from '../errors.js'

const MISSING_JSON = 'Missing required parameter in the JSON body'
const L401 = 'User must be authorized.'
const pattern = (p: string) => `Value does not match pattern: "${p}"`
const notInt = (v: string) => `${v} is not a valid integer`
const typeError = (name: string) => `expected string or bytes-like object, got '${name}'`
const login = (json: unknown): Row => ({ req: 'POST /v1_0/authorizations', json, status: 400 })

/** §1.4 (auth), §1.9 (bodies) and §2.1 (the user blueprint). */
const rows: Row[] = [
  // §1.4: login_required, validate_token_if_using, no decorator
  { req: 'GET /v1_0/user', status: 401, message: L401 },
  { req: 'GET /v1_0/user', headers: { authorization: 'Basic x' }, status: 401, message: L401 },
  { req: 'GET /v1_0/user', as: 'garbage', status: 401, message: L401 },
  { req: 'GET /v1_0/user', as: 'refresh', status: 403, message: 'Do not use refresh token.' },
  { req: 'GET /v1_0/user/figure', status: 401, message: L401 },
  { req: 'GET /v1_0/user/profile', status: 401, message: L401 },
  { req: 'GET /v1_0/user/channels', as: 'garbage', status: 401, message: 'Token has some errors.' },
  {
    req: 'GET /v1_0/user/channels',
    headers: { authorization: 'Bearer ' },
    status: 401,
    message: 'Token has some errors.',
  },
  { req: 'GET /v1_1/user/channels', as: 'refresh', status: 200 },
  { req: 'GET /v1_1/user/channels', headers: { authorization: 'Anony x' }, status: 200 },
  { req: 'GET /v1_0/users/{other}', as: 'garbage', status: 200, data: { id: 2 } },
  // §1.3: auth before arguments
  { req: 'POST /v1_0/user/followings', json: { target: 'x' }, status: 401, message: L401 },
  // POST /authorizations: mobile, then code
  login({}),
  { ...login({}), message: { mobile: MISSING_JSON } },
  { ...login({ mobile: '13911111111' }), message: { code: MISSING_JSON } },
  { ...login({ mobile: '123', code: '123456' }), message: { mobile: '123 is not a valid mobile' } },
  { ...login({ mobile: '', code: '123456' }), message: { mobile: ' is not a valid mobile' } },
  { ...login({ mobile: '123', code: 'x' }), message: { mobile: '123 is not a valid mobile' } },
  { ...login({ mobile: 13911111111, code: '1' }), message: { mobile: typeError('int') } },
  { ...login({ mobile: 1.5 }), message: { mobile: typeError('float') } },
  { ...login({ mobile: true }), message: { mobile: typeError('bool') } },
  { ...login({ mobile: [] }), message: { mobile: typeError('list') } },
  { ...login({ mobile: {} }), message: { mobile: typeError('dict') } },
  { ...login({ mobile: '13911111111', code: '12345' }), message: { code: 'Invalid params.' } },
  { ...login({ mobile: '13911111111', code: 123456 }), message: { code: typeError('int') } },
  { ...login({ mobile: null, code: '246810' }), message: 'Invalid code.' },
  { ...login({ mobile: '13911111111', code: null }), message: 'Invalid code.' },
  { ...login({ mobile: '13911111111\n', code: '246810' }), message: 'Invalid code.' },
  { ...login({ mobile: '13911111111', code: '１２３４５６' }), message: 'Invalid code.' },
  // §1.9: bodies that are not JSON, or not an object
  { req: 'POST /v1_0/authorizations', raw: '{"mobile":', status: 400, message: BAD_REQUEST },
  { req: 'POST /v1_0/authorizations', raw: '{}x', status: 400, message: BAD_REQUEST },
  { req: 'POST /v1_0/authorizations', raw: '', status: 400, message: BAD_REQUEST },
  { req: 'POST /v1_0/authorizations', status: 400, message: BAD_REQUEST },
  {
    req: 'POST /v1_0/authorizations?mobile=13911111111&code=246810',
    status: 400,
    message: BAD_REQUEST,
  },
  {
    req: 'POST /v1_0/authorizations',
    raw: '{"mobile":"13911111111","code":"246810"}',
    type: 'text/plain',
    status: 400,
    message: BAD_REQUEST,
  },
  {
    req: 'POST /v1_0/authorizations',
    raw: 'mobile=13911111111',
    type: 'application/x-www-form-urlencoded',
    status: 400,
    message: BAD_REQUEST,
  },
  {
    req: 'POST /v1_0/authorizations',
    raw: '{"mobile":"123"}',
    type: 'application/merge-patch+json',
    status: 400,
    message: { mobile: '123 is not a valid mobile' },
  },
  {
    req: 'POST /v1_0/authorizations',
    raw: '{"mobile":"123"}',
    type: 'application/json; charset=utf-8',
    status: 400,
    message: { mobile: '123 is not a valid mobile' },
  },
  { req: 'POST /v1_0/authorizations', raw: 'null', status: 400, message: { mobile: MISSING_JSON } },
  { req: 'POST /v1_0/authorizations', raw: '[]', status: 400, message: { mobile: MISSING_JSON } },
  {
    req: 'POST /v1_0/authorizations',
    raw: '"abc"',
    status: 400,
    message: { mobile: MISSING_JSON },
  },
  { req: 'PATCH /v1_0/user/profile', as: 'user', raw: 'null', status: 201, data: { id: '{me}' } },
  // paging of followings and followers
  ...['followings', 'followers'].flatMap((list): Row[] => {
    const get = (query: string, message: Record<string, string>): Row => ({
      req: `GET /v1_0/user/${list}?${query}`,
      as: 'user',
      status: 400,
      message,
    })
    return [
      { req: `GET /v1_0/user/${list}`, status: 401, message: L401 },
      get('page=abc', { page: notInt('abc') }),
      get('page=', { page: notInt('') }),
      get('page', { page: notInt('') }),
      get('page=1.5', { page: notInt('1.5') }),
      get('page=0', { page: 'Invalid page: 0. page must be a positive integer' }),
      get('page=-1', { page: 'Invalid page: -1. page must be a positive integer' }),
      get('page=0&per_page=5', { page: 'Invalid page: 0. page must be a positive integer' }),
      ...['5', '0', '51', '-5'].map((n) =>
        get(`per_page=${n}`, {
          per_page: `Invalid per_page: ${n}. per_page must be within the range 10 - 50`,
        }),
      ),
      get('per_page=abc', { per_page: notInt('abc') }),
      get('page=1&page=x', { page: notInt('x') }),
      { req: `GET /v1_0/user/${list}?page=99999999999999999999`, as: 'user', status: 200 },
      { req: `GET /v1_0/user/${list}?page=%2010%20&per_page=%2B10`, as: 'user', status: 200 },
    ]
  }),
  // follows and blacklists
  ...['followings', 'blacklists'].flatMap((list): Row[] => {
    const post = (json: unknown, message: unknown, as: Row['as'] = 'user'): Row => ({
      req: `POST /v1_0/user/${list}`,
      as,
      json,
      status: 400,
      message,
    })
    const invalid = { target: 'Invalid target user id.' }
    const self = list === 'followings' ? 'User cannot follow self.' : 'User cannot blacklist self.'
    return [
      post({}, { target: MISSING_JSON }),
      ...[0, -1, 'abc', '', '99999', [1], { a: 1 }, null].map((target) =>
        post({ target }, invalid),
      ),
      { ...post(undefined, invalid), raw: '{"target":1e400}', json: undefined },
      post({ target: '{me}' }, self),
      ...['1', 1.7, true, ' 1 '].map((target) => post({ target }, self, 'one')),
      { req: `DELETE /v1_0/user/${list}/99999`, as: 'user', status: 204 },
      { req: `DELETE /v1_0/user/${list}/0`, as: 'user', status: 404, message: NOT_FOUND },
      { req: `DELETE /v1_0/user/${list}/abc`, as: 'user', status: 404, message: NOT_FOUND },
    ]
  }),
  // PATCH /user/profile: name, photo, gender, birthday, intro, real_name, id_number, id cards
  ...profileRows(),
  // users
  { req: 'GET /v1_0/users/99999', status: 400, message: 'Invalid target user.' },
  { req: 'GET /v1_0/users/99999999999999999999999', status: 400, message: 'Invalid target user.' },
  { req: 'GET /v1_0/users/0', status: 404, message: NOT_FOUND },
  { req: 'GET /v1_0/users/0001', status: 200, data: { id: 1, name: '黑马头条号' } },
]

function profileRows(): Row[] {
  const patch = (json: unknown, message: unknown): Row => ({
    req: 'PATCH /v1_0/user/profile',
    as: 'user',
    json,
    status: 400,
    message,
  })
  const saved = (json: unknown, data: Record<string, unknown>): Row => ({
    req: 'PATCH /v1_0/user/profile',
    as: 'user',
    json,
    status: 201,
    data: { id: '{me}', ...data },
  })
  const name = { name: pattern('^.{1,7}$') }
  const image = (field: string) => ({ [field]: 'Invalid image.' })
  return [
    saved({}, {}),
    saved({ nickname: 'x' }, {}),
    ...['', 'abcdefgh', 'a\nb'].map((value) => patch({ name: value }, name)),
    patch({ name: 12345 }, { name: typeError('int') }),
    patch({ name: true }, { name: typeError('bool') }),
    patch({ name: [] }, { name: typeError('list') }),
    { ...patch({ name: '前端小智' }, 'User name has existed.'), status: 409 },
    ...['x', 5, ''].map((photo) => patch({ photo }, image('photo'))),
    ...[5, -1, 2, 'x', '', [1]].map((gender) => patch({ gender }, { gender: 'Invalid gender.' })),
    saved({ gender: 1.5 }, { gender: 1 }),
    saved({ gender: true }, { gender: 1 }),
    ...['2000-13-45', '20000102', '2000-01-02T00:00:00', 123].map((birthday) =>
      patch({ birthday }, { birthday: 'Invalid date param.' }),
    ),
    saved({ birthday: '' }, {}),
    saved({ birthday: '2000-1-2' }, { birthday: '2000-01-02' }),
    patch({ intro: 'x'.repeat(61) }, { intro: pattern('^.{1,60}$') }),
    patch({ intro: 5 }, { intro: typeError('int') }),
    saved({ intro: 'hello' }, { intro: 'hello' }),
    patch({ real_name: 'abcdefgh' }, { real_name: pattern('^.{1,7}$') }),
    patch({ real_name: 5 }, { real_name: typeError('int') }),
    patch({ id_number: '123' }, { id_number: 'Invalid id number.' }),
    patch({ id_number: 123 }, { id_number: typeError('int') }),
    saved({ id_number: '11010519491231002x' }, { id_number: '11010519491231002X' }),
    ...['id_card_front', 'id_card_back', 'id_card_handheld'].map((field) =>
      patch({ [field]: 'x' }, image(field)),
    ),
    patch({ id_card_handheld: 'x', gender: 5, name: '' }, name),
    patch({ id_card_front: 'x', birthday: 'x' }, { birthday: 'Invalid date param.' }),
  ]
}

describe('Appendix V: auth, bodies and the user blueprint', () => {
  let t: TestApp
  let context: Context
  beforeAll(async () => {
    t = await buildTestApp()
    context = await appendixContext(t.app, { other: '2' })
  })
  afterAll(() => t.close())

  walkRows(
    rows.filter((row) => row.message !== undefined || row.status !== 400),
    () => context,
  )
})
