import { afterAll, beforeAll, describe } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { appendixContext, walkRows, type Context, type Row } from '../../test/appendix.js'
import { approvedArticles, approvedComments } from '../../test/interactions.js'
import { NOT_FOUND } from '../errors.js'

const MISSING_JSON = 'Missing required parameter in the JSON body'
const MISSING_ARGS = 'Missing required parameter in the query string'
const TRACE = 'Value does not match pattern: "^.+$"'
const ARTICLE = 'Invalid target article id.'
const notInt = (v: string) => `${v} is not a valid integer`
const positive = (name: string, n: string) =>
  `Invalid ${name}: ${n}. ${name} must be a positive integer`
const range = (name: string, n: string) =>
  `Invalid ${name}: ${n}. ${name} must be within the range 10 - 50`
const bad = (req: string, message: unknown, more: Partial<Row> = {}): Row => ({
  req,
  status: 400,
  message,
  ...more,
})
const feed = (query: string) => `GET /v1_1/articles?${query}`

/** `page` and `per_page` of a list route (`as` the caller). */
const pageRows = (url: string, as?: Row['as']): Row[] =>
  [
    ['page=0', { page: positive('page', '0') }],
    ['page=abc', { page: notInt('abc') }],
    ['page=', { page: notInt('') }],
    ['per_page=0', { per_page: range('per_page', '0') }],
    ['per_page=500', { per_page: range('per_page', '500') }],
    ['per_page=1000', { per_page: range('per_page', '1000') }],
    ['per_page=abc', { per_page: notInt('abc') }],
  ].map(([query, message]) => bad(`GET ${url}?${query as string}`, message, as ? { as } : {}))

/** The `target` of collections, likings, dislikes and reports (`parser.article_id`). */
function articleTargetRows(path: string): Row[] {
  const post = (json: unknown, message: unknown, headers?: Record<string, string>): Row =>
    bad(`POST /v1_0/article/${path}`, message, {
      as: 'user',
      json: path === 'reports' && json && typeof json === 'object' ? { type: 1, ...json } : json,
      ...(headers ? { headers } : {}),
    })
  return [
    post({}, { target: MISSING_JSON }),
    ...[0, -1, 'abc', '', '1.0', '99999', [1], { a: 1 }, null].map((target) =>
      post({ target }, { target: ARTICLE }),
    ),
    { ...post(undefined, { target: ARTICLE }), raw: '{"target":1e400}' },
    {
      req: `DELETE /v1_0/article/${path}/99999`,
      as: 'user',
      status: path === 'reports' ? 404 : 204,
    },
    ...(path === 'reports'
      ? []
      : [bad(`DELETE /v1_0/article/${path}/0`, NOT_FOUND, { as: 'user', status: 404 })]),
  ]
}

const rows: Row[] = [
  // GET /articles/<id>: Trace, parsed before the article is looked up
  bad('GET /v1_0/articles/99999', { Trace: TRACE }, { headers: { trace: '' } }),
  bad('GET /v1_0/articles/99999', 'The article does not exist.', { status: 404 }),
  bad('GET /v1_0/articles/{article}', 'Token has some errors.', { as: 'garbage', status: 401 }),
  { req: 'GET /v1_0/articles/{article}', as: 'user', status: 200, data: { art_id: '{article}' } },
  { req: 'GET /v1_0/articles/{article}', as: 'refresh', status: 200 },
  bad('GET /v1_0/articles/0', NOT_FOUND, { status: 404 }),
  // GET /v1_1/articles: channel_id, timestamp, with_top
  bad(feed('timestamp=1&with_top=1'), { channel_id: MISSING_ARGS }),
  ...['abc', '-1', '999', '', '1.5'].map((id) =>
    bad(feed(`channel_id=${id}&timestamp=1&with_top=1`), { channel_id: 'Invalid channel id.' }),
  ),
  bad(feed('channel_id&timestamp=1&with_top=1'), { channel_id: 'Invalid channel id.' }),
  bad(feed('channel_id=0&with_top=1'), { timestamp: MISSING_ARGS }),
  bad(feed('channel_id=0&timestamp=abc&with_top=1'), { timestamp: notInt('abc') }),
  bad(feed('channel_id=0&timestamp=&with_top=1'), { timestamp: notInt('') }),
  bad(feed('channel_id=0&timestamp=0&with_top=1'), { timestamp: positive('timestamp', '0') }),
  bad(feed('channel_id=0&timestamp=-5&with_top=1'), { timestamp: positive('timestamp', '-5') }),
  bad(feed('channel_id=0&timestamp=1'), { with_top: MISSING_ARGS }),
  bad(feed('channel_id=0&timestamp=1&with_top='), { with_top: 'boolean type must be non-null' }),
  ...['yes', 'YES'].map((value) =>
    bad(feed(`channel_id=0&timestamp=1&with_top=${value}`), {
      with_top: 'Invalid literal for boolean(): yes',
    }),
  ),
  bad(feed('channel_id=0&timestamp=1&with_top=2'), {
    with_top: 'Invalid literal for boolean(): 2',
  }),
  bad(feed('channel_id=0&timestamp=67767976233532796000&with_top=1'), 'timestamp param error'),
  ...['TRUE', '1', 'false', '0'].map((value): Row => ({
    req: feed(`channel_id=1&timestamp=1&with_top=${value}`),
    status: 200,
  })),
  bad(feed('channel_id=0&timestamp=1&with_top=1'), 'Token has some errors.', {
    as: 'garbage',
    status: 401,
  }),
  // author lists: the author is looked up before the page arguments
  bad('GET /v1_0/users/99999/articles?per_page=5', 'Invalid request.'),
  bad('GET /v1_0/users/0/articles', NOT_FOUND, { status: 404 }),
  ...pageRows('/v1_0/users/1/articles'),
  ...pageRows('/v1_0/user/articles', 'user'),
  bad('GET /v1_0/user/articles', 'User must be authorized.', { status: 401 }),
  // collections, likings, dislikes, reports
  ...['collections', 'likings', 'dislikes', 'reports'].flatMap(articleTargetRows),
  bad(
    'POST /v1_0/article/collections',
    { Trace: TRACE },
    {
      as: 'user',
      json: { target: '{article}' },
      headers: { trace: '' },
    },
  ),
  bad(
    'POST /v1_0/article/collections',
    { target: ARTICLE },
    {
      as: 'user',
      json: { target: 0 },
      headers: { trace: '' },
    },
  ),
  ...pageRows('/v1_0/article/collections', 'user'),
  bad(
    'POST /v1_0/article/reports',
    { type: MISSING_JSON },
    { as: 'user', json: { target: '{article}' } },
  ),
  bad('POST /v1_0/article/reports', { target: MISSING_JSON }, { as: 'user', json: {} }),
  ...[99, 9, -1, '1', '', 1.5, [1], null].map((type) =>
    bad(
      'POST /v1_0/article/reports',
      { type: 'Invalid report type.' },
      {
        as: 'user',
        json: { target: '{article}', type },
      },
    ),
  ),
  // comments
  bad('POST /v1_0/comments', { target: MISSING_JSON }, { as: 'user', json: {} }),
  ...[
    [0, positive('target', '0')],
    [-2, positive('target', '-2')],
    ['abc', notInt('abc')],
    ['', notInt('')],
    [[1], notInt('[1]')],
  ].map(([target, message]) =>
    bad('POST /v1_0/comments', { target: message }, { as: 'user', json: { target, content: 'x' } }),
  ),
  bad('POST /v1_0/comments', { content: MISSING_JSON }, { as: 'user', json: { target: 1 } }),
  ...[0, 'abc', '', '99999'].map((artId) =>
    bad(
      'POST /v1_0/comments',
      { art_id: ARTICLE },
      {
        as: 'user',
        json: { target: 1, content: 'x', art_id: artId },
      },
    ),
  ),
  ...['', null].map((content) =>
    bad('POST /v1_0/comments', 'Empty content.', {
      as: 'user',
      json: { target: '{article}', content },
    }),
  ),
  {
    req: 'POST /v1_0/comments',
    as: 'user',
    json: { target: '{article}', content: 0 },
    status: 201,
    data: { target: '{article}', new_obj: { content: '0' } },
  },
  bad('GET /v1_0/comments?source=1', { type: MISSING_ARGS }),
  ...['x', '', 'A'].map((type) =>
    bad(`GET /v1_0/comments?type=${type}&source=1`, { type: 'Invalid type param.' }),
  ),
  bad('GET /v1_0/comments?type&source=1', { type: 'Invalid type param.' }),
  bad('GET /v1_0/comments?type=a', { source: MISSING_ARGS }),
  bad('GET /v1_0/comments?type=a&source=0', { source: positive('source', '0') }),
  bad('GET /v1_0/comments?type=a&source=abc', { source: notInt('abc') }),
  bad('GET /v1_0/comments?type=a&source=', { source: notInt('') }),
  bad('GET /v1_0/comments?type=a&source=1&offset=0', { offset: positive('offset', '0') }),
  bad('GET /v1_0/comments?type=a&source=1&offset=-1', { offset: positive('offset', '-1') }),
  bad('GET /v1_0/comments?type=a&source=1&offset=abc', { offset: notInt('abc') }),
  ...['9', '51', '1000'].map((limit) =>
    bad(`GET /v1_0/comments?type=a&source=1&limit=${limit}`, { limit: range('limit', limit) }),
  ),
  bad('GET /v1_0/comments?type=a&source=1&limit=abc', { limit: notInt('abc') }),
  bad('GET /v1_0/comments?type=a&source=1&limit=', { limit: notInt('') }),
  bad('POST /v1_0/comment/likings', { target: MISSING_JSON }, { as: 'user', json: {} }),
  ...[0, -1, 'abc', '', [1], '99999'].map((target) =>
    bad(
      'POST /v1_0/comment/likings',
      { target: 'Invalid target comment id.' },
      {
        as: 'user',
        json: { target },
      },
    ),
  ),
  { req: 'POST /v1_0/comment/likings', as: 'user', json: { target: '{comment}' }, status: 201 },
  bad('DELETE /v1_0/comment/likings/0', NOT_FOUND, { as: 'user', status: 404 }),
  { req: 'GET /v1_0/channels', as: 'garbage', status: 200 },
  ...pageRows('/v1_0/user/histories', 'user'),
  // reading durations: Trace first, whatever the body; a token is ignored
  bad('POST /v1_0/reading/durations', { Trace: 'Missing required parameter in the HTTP headers' }),
  bad(
    'POST /v1_0/reading/durations',
    { Trace: 'Missing required parameter in the HTTP headers' },
    {
      raw: '{"duration":',
    },
  ),
  bad(
    'POST /v1_0/reading/durations',
    { Trace: 'Missing required parameter in the HTTP headers' },
    {
      raw: 'x',
      type: 'text/plain',
    },
  ),
  bad('POST /v1_0/reading/durations', { Trace: TRACE }, { headers: { trace: '' }, json: {} }),
  ...[
    [{ art_id: '{article}' }, { duration: MISSING_JSON }],
    [
      { duration: -1, art_id: '{article}' },
      { duration: 'Invalid duration: -1. duration must be a non-negative integer' },
    ],
    [{ duration: 'abc', art_id: '{article}' }, { duration: notInt('abc') }],
    [{ duration: '', art_id: '{article}' }, { duration: notInt('') }],
    [{ duration: [1], art_id: '{article}' }, { duration: notInt('[1]') }],
    [{ duration: 1 }, { art_id: MISSING_JSON }],
    [{ duration: 1, art_id: '99999' }, { art_id: ARTICLE }],
    [{ duration: 1, art_id: null }, { art_id: ARTICLE }],
  ].map(([json, message]) =>
    bad('POST /v1_0/reading/durations', message, { as: 'garbage', headers: { trace: 'x' }, json }),
  ),
  ...[0, 1.5, null].map((duration): Row => ({
    req: 'POST /v1_0/reading/durations',
    headers: { trace: 'x' },
    json: { duration, art_id: '{article}' },
    status: 201,
    message: 'OK',
  })),
  // §2.3: announcements and search
  bad('GET /v1_0/announcements?page=0', { page: positive('page', '0') }),
  bad('GET /v1_0/announcements?per_page=1000', { per_page: range('per_page', '1000') }),
  bad('GET /v1_0/announcements?per_page=abc', { per_page: notInt('abc') }),
  bad('GET /v1_0/announcements?page=', { page: notInt('') }),
  { req: 'GET /v1_0/announcements', status: 200 },
  bad('GET /v1_0/announcements/99999', 'Invalid announcement.'),
  bad('GET /v1_0/announcements/0', NOT_FOUND, { status: 404 }),
  bad('GET /v1_0/search?q=a', 'Token has some errors.', { as: 'garbage', status: 401 }),
  bad('GET /v1_0/search', { q: MISSING_ARGS }),
  ...['q=', 'q', `q=${'x'.repeat(51)}`, 'q=%0A'].map((query) =>
    bad(`GET /v1_0/search?${query}`, { q: 'Value does not match pattern: "^.{1,50}$"' }),
  ),
  ...pageRows('/v1_0/search').map((row) => ({ ...row, req: row.req.replace('?', '?q=a&') })),
  bad('GET /v1_0/suggestion', { q: MISSING_ARGS }),
  bad('GET /v1_0/suggestion?q=', { q: 'Value does not match pattern: "^.{1,50}$"' }),
  bad('GET /v1_0/search/histories', 'User must be authorized.', { status: 401 }),
  { req: 'DELETE /v1_0/search/histories', as: 'user', status: 204 },
]

describe('Appendix V: the news, notice and search blueprints', () => {
  let t: TestApp
  let context: Context
  beforeAll(async () => {
    t = await buildTestApp()
    const [article] = await approvedArticles(t, 1)
    const [comment] = await approvedComments(t, 1)
    context = await appendixContext(t.app, {
      article: String(article!.id),
      comment: String(comment),
    })
  })
  afterAll(() => t.close())

  walkRows(rows, () => context)
})
