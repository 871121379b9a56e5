import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { bearer, login } from '../../test/login.js'
import { adminWith } from '../../test/mis.js'
import { NOT_FOUND } from '../errors.js'

const UPLOADS = 'http://headline.test/uploads/'

// A minimal valid GIF with a script appended: an image to a sniffer, a page to a careless browser.
const POLYGLOT = Buffer.concat([
  Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'),
  Buffer.from('<script>alert(document.cookie)</script>'),
])

function multipart(field: string, data: Buffer) {
  const boundary = '----headline-upload-test'
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="x.gif"\r\n` +
        'Content-Type: image/gif\r\n\r\n',
    ),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

describe('uploads', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const upload = (auth: Record<string, string>, field: string, data: Buffer) => {
    const { payload, headers } = multipart(field, data)
    return t.app.inject({
      method: 'PATCH',
      url: '/v1_0/user/photo',
      headers: { ...auth, ...headers },
      payload,
    })
  }
  const pathOf = (url: string) => {
    expect(url.startsWith(UPLOADS)).toBe(true)
    return `/uploads/${url.slice(UPLOADS.length)}`
  }

  it('serves uploads with nosniff and a CSP that runs nothing', async () => {
    const { auth } = await login(t.app, '13700000041')
    const response = await upload(auth, 'photo', POLYGLOT)
    expect(response.statusCode).toBe(201)
    const served = await t.app.inject({ url: pathOf(response.json().data.photo) })
    expect(served.statusCode).toBe(200)
    expect(served.headers['content-type']).toBe('image/gif')
    expect(served.headers['x-content-type-options']).toBe('nosniff')
    const csp = String(served.headers['content-security-policy'])
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain('sandbox')
    expect(served.rawPayload).toEqual(POLYGLOT)
  })

  it.each(['id_card_front', 'id_card_back', 'id_card_handheld'])(
    'serves %s images to their owner only',
    async (field) => {
      const owner = await login(t.app, '13700000042')
      const other = await login(t.app, '13700000043')
      const bytes = Buffer.concat([POLYGLOT, Buffer.from(field)])
      const response = await upload(owner.auth, field, bytes)
      expect(response.statusCode).toBe(201)
      const url: string = response.json().data[field]
      const path = pathOf(url)
      expect(path).toMatch(new RegExp(`^/uploads/private/${owner.userId}/[\\w-]+\\.gif$`))

      const mine = await t.app.inject({ url: path, headers: owner.auth })
      expect(mine.statusCode).toBe(200)
      expect(mine.rawPayload).toEqual(bytes)
      expect(mine.headers['x-content-type-options']).toBe('nosniff')
      expect(mine.headers['cache-control']).toBe('private, no-store')

      const anonymous = await t.app.inject({ url: path })
      expect(anonymous.statusCode).toBe(401)
      const theirs = await t.app.inject({ url: path, headers: other.auth })
      expect([theirs.statusCode, theirs.json()]).toEqual([404, { message: NOT_FOUND }])
      // Not reachable as a public file either, under any spelling of its name.
      const file = path.split('/').pop()!
      for (const publicPath of [`/uploads/${file}`, `/uploads/private/${file}`]) {
        expect((await t.app.inject({ url: publicPath })).statusCode).toBe(404)
      }
    },
  )

  it('shows ID-card images to administrators allowed to see them, through the URL the review gives', async () => {
    const owner = await login(t.app, '13700000045')
    const other = await login(t.app, '13700000046')
    const bytes = Buffer.concat([POLYGLOT, Buffer.from('admin')])
    expect((await upload(owner.auth, 'id_card_front', bytes)).statusCode).toBe(201)
    await t.deps.db.write
      .insertInto('user_legalize_log')
      .values({ user_id: owner.userId.toString(), type: 1, status: 1, qualification_id: '0' })
      .execute()
    const { legalize_id } = await t.deps.db.write
      .selectFrom('user_legalize_log')
      .select('legalize_id')
      .where('user_id', '=', owner.userId.toString())
      .executeTakeFirstOrThrow()
    const reviewer = await adminWith(t, ['legalize-get', 'legalize-id-card-get'])
    const blind = await adminWith(t, ['legalize-get', 'legalize-list-get'])
    const refresh = await t.deps.adminTokens.sign(
      { administratorId: reviewer.id, refresh: true },
      60,
    )

    const review = await t.app.inject({
      url: `/mis/v1_0/legalizes/${legalize_id}`,
      headers: reviewer.auth,
    })
    const path = pathOf(review.json().data.user_profile.id_card_front)
    expect(path).toMatch(new RegExp(`^/uploads/private/${owner.userId}/`))
    const seen = await t.app.inject({ url: path, headers: reviewer.auth })
    expect(seen.statusCode).toBe(200)
    expect(seen.rawPayload).toEqual(bytes)
    expect(seen.headers['cache-control']).toBe('private, no-store')

    for (const auth of [blind.auth, other.auth, bearer(refresh)]) {
      const refused = await t.app.inject({ url: path, headers: auth })
      expect([refused.statusCode, refused.json()]).toEqual([404, { message: NOT_FOUND }])
    }
  })

  it('stores 30 concurrent uploads of the same bytes, every one of them', async () => {
    const { auth } = await login(t.app, '13700000044')
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        upload(auth, i % 2 ? 'photo' : 'id_card_front', POLYGLOT),
      ),
    )
    expect(responses.map((response) => response.statusCode)).toEqual(Array(30).fill(201))
    const served = await t.app.inject({ url: pathOf(responses[1]!.json().data.photo) })
    expect(served.rawPayload).toEqual(POLYGLOT)
  })
})
