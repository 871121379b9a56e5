import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { multipart, png, type Part } from '../../../test/images.js'
import { exactJson, wire } from '../../../test/json.js'
import { login } from '../../../test/login.js'
import { NOT_FOUND } from '../../errors.js'
import { StorageError } from '../../infra/storage/file-storage.js'
import { COUNTERS } from '../../infra/store/counters.js'
import { findUserByMobile } from './users.repo.js'
import { NEW_USER_NAME } from '../auth/display-names.js'

const MOUNTS = ['', '/app']
const UPLOADS = 'http://headline.test/uploads/'
const DEFAULT_PHOTO = `${UPLOADS}Fkj6tQi3xJwVXi1u2swCElotfdCi`

async function countsOf(t: TestApp, id: bigint) {
  const [art_count, follow_count, fans_count, like_count] = await Promise.all(
    [
      COUNTERS.userArticles,
      COUNTERS.userFollowings,
      COUNTERS.userFollowers,
      COUNTERS.userLiked,
    ].map((name) => t.deps.counters.get(name, id)),
  )
  return { art_count, follow_count, fans_count, like_count }
}

const storedKey = (url: string) => {
  expect(url.startsWith(UPLOADS)).toBe(true)
  return url.slice(UPLOADS.length)
}

describe('users', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp()
  })
  afterAll(() => t.close())

  const get = async (url: string, headers: Record<string, string> = {}) => {
    const response = await t.app.inject({ url, headers })
    return { status: response.statusCode, body: exactJson(response.body) }
  }
  const patchProfile = async (auth: Record<string, string>, payload: object, prefix = '') => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: `${prefix}/v1_0/user/profile`,
      headers: auth,
      payload,
    })
    return { status: response.statusCode, body: exactJson(response.body) }
  }
  const patchPhoto = async (auth: Record<string, string>, parts: Part[], prefix = '') => {
    const { payload, headers } = multipart(parts)
    const response = await t.app.inject({
      method: 'PATCH',
      url: `${prefix}/v1_0/user/photo`,
      headers: { ...auth, ...headers },
      payload,
    })
    return { status: response.statusCode, body: exactJson(response.body) }
  }
  const expectServed = async (url: string, bytes: Buffer, type: string) => {
    const key = storedKey(url)
    expect(fs.readFileSync(path.join(t.dataDir, 'uploads', key))).toEqual(bytes)
    const served = await t.app.inject({ url: `/uploads/${key}` })
    expect(served.statusCode).toBe(200)
    expect(served.headers['content-type']).toBe(type)
    expect(served.rawPayload).toEqual(bytes)
  }

  describe('GET /user and /users/:id', () => {
    it.each(MOUNTS)("answers the caller's public profile with counts (mount '%s')", async (p) => {
      const { auth, userId } = await login(t.app, '13911111111')
      const me = await get(`${p}/v1_0/user`, auth)
      expect(me.status).toBe(200)
      expect(me.body).toEqual({
        message: 'OK',
        data: {
          id: wire(userId),
          name: '黑马头条号',
          photo: DEFAULT_PHOTO,
          is_media: true,
          intro: '每天一点技术干货',
          certi: '',
          ...(await countsOf(t, userId)),
        },
      })
    })

    it.each(MOUNTS)("answers another user's profile to anyone (mount '%s')", async (p) => {
      const target = await findUserByMobile(t.deps.db.read, '13611111111')
      const viewer = await login(t.app, '13400000001')
      for (const headers of [{}, viewer.auth]) {
        const other = await get(`${p}/v1_0/users/${target!.id}`, headers)
        expect(other.status).toBe(200)
        expect(other.body).toEqual({
          message: 'OK',
          data: {
            id: wire(target!.id),
            name: '前端小智',
            photo: DEFAULT_PHOTO,
            is_media: true,
            intro: '专注前端与工程化',
            certi: '',
            ...(await countsOf(t, target!.id)),
            is_following: false,
            is_blacklist: false,
          },
        })
      }
    })

    it('shows the counters of the user', async () => {
      const { auth, userId } = await login(t.app, '13400000002')
      await t.deps.counters.incr(COUNTERS.userArticles, userId, 3)
      await t.deps.counters.incr(COUNTERS.userFollowings, userId, 4)
      await t.deps.counters.incr(COUNTERS.userFollowers, userId, 5)
      await t.deps.counters.incr(COUNTERS.userLiked, userId, 6)
      const counts = { art_count: 3, follow_count: 4, fans_count: 5, like_count: 6 }
      expect((await get('/v1_0/user', auth)).body.data).toMatchObject(counts)
      expect((await get(`/v1_0/users/${userId}`)).body.data).toMatchObject(counts)
    })

    it("tells the viewer's relation to the target", async () => {
      const viewer = await login(t.app, '13400000003')
      const followed = await login(t.app, '13400000004')
      const blocked = await login(t.app, '13400000005')
      await t.deps.db.write
        .insertInto('user_relation')
        .values([
          {
            user_id: viewer.userId.toString(),
            target_user_id: followed.userId.toString(),
            relation: 1,
          },
          {
            user_id: viewer.userId.toString(),
            target_user_id: blocked.userId.toString(),
            relation: 2,
          },
        ])
        .execute()
      const relation = async (target: bigint, auth: Record<string, string>) => {
        const { body } = await get(`/v1_0/users/${target}`, auth)
        return [body.data.is_following, body.data.is_blacklist]
      }
      expect(await relation(followed.userId, viewer.auth)).toEqual([true, false])
      expect(await relation(blocked.userId, viewer.auth)).toEqual([false, true])
      expect(await relation(viewer.userId, followed.auth)).toEqual([false, false])
      expect(await relation(followed.userId, {})).toEqual([false, false])
    })

    it.each(['99999', '9223372036854775807', '9999999999999999999', '12345678901234567890'])(
      'answers 400 Invalid target user. for an id without a user (%s)',
      async (id) => {
        for (const p of MOUNTS) {
          expect(await get(`${p}/v1_0/users/${id}`)).toEqual({
            status: 400,
            body: { message: 'Invalid target user.' },
          })
        }
      },
    )

    it.each(['abc', '-1', '1.5', '0', '00', '%20'])(
      'answers 404 for a target that is not an id (%s)',
      async (id) => {
        for (const p of MOUNTS) {
          expect(await get(`${p}/v1_0/users/${id}`)).toEqual({
            status: 404,
            body: { message: NOT_FOUND },
          })
        }
      },
    )
  })

  describe('GET and PATCH /user/profile', () => {
    it.each(MOUNTS)('answers the private profile (mount "%s")', async (p) => {
      const { auth, userId } = await login(t.app, '13811111111')
      expect(await get(`${p}/v1_0/user/profile`, auth)).toEqual({
        status: 200,
        body: {
          message: 'OK',
          data: {
            id: wire(userId),
            name: '读者小王',
            photo: DEFAULT_PHOTO,
            mobile: '13811111111',
            gender: 0,
            birthday: '',
            intro: '',
          },
        },
      })
    })

    it.each(MOUNTS)('changes fields and shows them on the next reads (mount "%s")', async (p) => {
      const mobile = p ? '13400000012' : '13400000011'
      const { auth, userId } = await login(t.app, mobile)
      // Warm every cached read first, so the change has to invalidate them.
      await get(`${p}/v1_0/user`, auth)
      await get(`${p}/v1_0/user/profile`, auth)
      await get(`${p}/v1_0/users/${userId}`)

      const name = p ? '小李子' : '张三丰🙂'
      const changed = await patchProfile(
        auth,
        { name, gender: 1, birthday: '1990-02-28', intro: '一句话介绍' },
        p,
      )
      expect(changed).toEqual({
        status: 201,
        body: {
          message: 'OK',
          data: { id: userId, name, gender: 1, birthday: '1990-02-28', intro: '一句话介绍' },
        },
      })
      expect((await get(`${p}/v1_0/user/profile`, auth)).body.data).toEqual({
        id: userId,
        name,
        photo: DEFAULT_PHOTO,
        mobile,
        gender: 1,
        birthday: '1990-02-28',
        intro: '一句话介绍',
      })
      expect((await get(`${p}/v1_0/user`, auth)).body.data).toMatchObject({
        name,
        intro: '一句话介绍',
      })
      expect((await get(`${p}/v1_0/users/${userId}`)).body.data).toMatchObject({
        name,
        intro: '一句话介绍',
      })
    })

    it('changes only the fields sent, and ignores unknown ones', async () => {
      const { auth, userId } = await login(t.app, '13400000013')
      await patchProfile(auth, { gender: 1, intro: 'first' })
      expect(await patchProfile(auth, { birthday: '2001-12-31', nickname: 'x' })).toEqual({
        status: 201,
        body: { message: 'OK', data: { id: userId, birthday: '2001-12-31' } },
      })
      expect((await get('/v1_0/user/profile', auth)).body.data).toMatchObject({
        name: expect.stringMatching(NEW_USER_NAME),
        gender: 1,
        birthday: '2001-12-31',
        intro: 'first',
      })
      expect(await patchProfile(auth, { intro: '' })).toEqual({
        status: 400,
        body: { message: { intro: 'Value does not match pattern: "^.{1,60}$"' } },
      })
      expect(await patchProfile(auth, {})).toEqual({
        status: 201,
        body: { message: 'OK', data: { id: userId } },
      })
    })

    it('stores real name and id number, the id number uppercased', async () => {
      const { auth, userId } = await login(t.app, '13400000014')
      expect(
        await patchProfile(auth, { real_name: '王小明', id_number: '11010519491231002x' }),
      ).toEqual({
        status: 201,
        body: {
          message: 'OK',
          data: { id: userId, real_name: '王小明', id_number: '11010519491231002X' },
        },
      })
      const row = await t.deps.db.read
        .selectFrom('user_profile')
        .select(['real_name', 'id_number'])
        .where('user_id', '=', userId.toString())
        .executeTakeFirstOrThrow()
      expect(row).toEqual({ real_name: '王小明', id_number: '11010519491231002X' })
    })

    it.each([
      [{ name: '12345678' }, 'name'],
      [{ name: '' }, 'name'],
      [{ gender: 2 }, 'gender'],
      [{ gender: -1 }, 'gender'],
      [{ gender: 'male' }, 'gender'],
      [{ birthday: '2020-13-45' }, 'birthday'],
      [{ birthday: '2019-02-29' }, 'birthday'],
      [{ birthday: '1990/01/01' }, 'birthday'],
      [{ intro: 'x'.repeat(61) }, 'intro'],
      [{ real_name: '12345678' }, 'real_name'],
      [{ id_number: '123' }, 'id_number'],
      [{ id_number: '11010519491331002X' }, 'id_number'],
      [{ photo: '' }, 'photo'],
    ])('answers 400 naming the field for %j, and changes nothing', async (payload, field) => {
      const { auth } = await login(t.app, '13400000015')
      const before = await get('/v1_0/user/profile', auth)
      const response = await patchProfile(auth, { intro: 'must not be saved', ...payload })
      expect(response.status).toBe(400)
      expect(Object.keys(response.body)).toEqual(['message'])
      expect(Object.keys(response.body.message)).toEqual([field])
      expect(response.body.message[field]).toEqual(expect.any(String))
      expect(await get('/v1_0/user/profile', auth)).toEqual(before)
    })

    it('accepts a seven-character name and a sixty-character intro', async () => {
      const { auth } = await login(t.app, '13400000016')
      const intro = '介'.repeat(60)
      const response = await patchProfile(auth, { name: '七个字的名字呀', intro })
      expect(response.status).toBe(201)
      expect((await get('/v1_0/user', auth)).body.data).toMatchObject({
        name: '七个字的名字呀',
        intro,
      })
    })

    it("answers 409 User name has existed. for another user's name only", async () => {
      const { auth } = await login(t.app, '13400000017')
      for (const p of MOUNTS) {
        expect(await patchProfile(auth, { name: '前端小智', intro: 'kept?' }, p)).toEqual({
          status: 409,
          body: { message: 'User name has existed.' },
        })
      }
      expect((await get('/v1_0/user/profile', auth)).body.data).toMatchObject({
        name: expect.stringMatching(NEW_USER_NAME),
        intro: '',
      })
      expect((await patchProfile(auth, { name: '十七号' })).status).toBe(201)
      expect((await patchProfile(auth, { name: '十七号' })).status).toBe(201)
    })

    it('stores a base64 photo and serves it under PUBLIC_URL', async () => {
      const { auth, userId } = await login(t.app, '13400000018')
      await get('/v1_0/user', auth)
      const image = png(3, 2)
      const changed = await patchProfile(auth, { photo: image.toString('base64') })
      expect(changed.status).toBe(201)
      const url: string = changed.body.data.photo
      expect(changed.body).toEqual({ message: 'OK', data: { id: userId, photo: url } })
      expect(url).toMatch(/^http:\/\/headline\.test\/uploads\/[\w-]+\.png$/)
      await expectServed(url, image, 'image/png')
      expect((await get('/v1_0/user', auth)).body.data.photo).toBe(url)
      expect((await get('/v1_0/user/profile', auth)).body.data.photo).toBe(url)
      expect((await get(`/v1_0/users/${userId}`)).body.data.photo).toBe(url)
    })

    it('accepts data URLs and the id card images', async () => {
      const { auth, userId } = await login(t.app, '13400000019')
      const front = png(4, 4)
      const back = png(5, 5)
      const response = await patchProfile(auth, {
        id_card_front: `data:image/png;base64,${front.toString('base64')}`,
        id_card_back: back.toString('base64'),
      })
      expect(response.status).toBe(201)
      const { id_card_front, id_card_back } = response.body.data
      expect(response.body.data).toEqual({ id: userId, id_card_front, id_card_back })
      for (const [url, bytes] of [
        [id_card_front, front],
        [id_card_back, back],
      ] as const) {
        const served = await t.app.inject({ url: `/uploads/${storedKey(url)}`, headers: auth })
        expect([served.statusCode, served.headers['content-type']]).toEqual([200, 'image/png'])
        expect(served.rawPayload).toEqual(bytes)
      }
      const row = await t.deps.db.read
        .selectFrom('user_profile')
        .select(['id_card_front', 'id_card_back'])
        .where('user_id', '=', userId.toString())
        .executeTakeFirstOrThrow()
      expect(row).toEqual({
        id_card_front: storedKey(id_card_front),
        id_card_back: storedKey(id_card_back),
      })
    })

    it.each([
      ['text', Buffer.from('just some text, not an image').toString('base64')],
      ['a PDF', Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n').toString('base64')],
      ['not base64', '!!!not base64!!!'],
    ])('answers 400 for a photo that is %s, and stores nothing', async (_what, photo) => {
      const { auth } = await login(t.app, '13400000020')
      for (const field of ['photo', 'id_card_handheld']) {
        expect(await patchProfile(auth, { name: 'nope', [field]: photo })).toEqual({
          status: 400,
          body: { message: { [field]: 'Invalid image.' } },
        })
      }
      expect((await get('/v1_0/user', auth)).body.data).toMatchObject({
        name: expect.stringMatching(NEW_USER_NAME),
        photo: DEFAULT_PHOTO,
      })
    })
  })

  describe('PATCH /user/photo', () => {
    it.each(MOUNTS)('stores an uploaded PNG and answers its URL (mount "%s")', async (p) => {
      const { auth, userId } = await login(t.app, p ? '13400000032' : '13400000031')
      await get(`${p}/v1_0/user`, auth)
      const image = png(6, 6, (n) => randomBytes(n))
      const response = await patchPhoto(
        auth,
        [{ field: 'photo', filename: 'me.png', type: 'image/png', data: image }],
        p,
      )
      expect(response.status).toBe(201)
      const url: string = response.body.data.photo
      expect(response.body).toEqual({ message: 'OK', data: { id: userId, photo: url } })
      await expectServed(url, image, 'image/png')
      expect((await get(`${p}/v1_0/user`, auth)).body.data.photo).toBe(url)
    })

    it('takes every image field, and ignores text fields and unknown files', async () => {
      const { auth, userId } = await login(t.app, '13400000033')
      const photo = png(7, 7)
      const handheld = png(8, 8)
      const response = await patchPhoto(auth, [
        { field: 'note', data: 'hello' },
        { field: 'avatar', filename: 'a.png', type: 'image/png', data: png(9, 9) },
        { field: 'file', filename: 'f.txt', type: 'text/plain', data: 'x'.repeat(10_000) },
        { field: 'photo', filename: 'p.png', type: 'image/png', data: photo },
        { field: 'id_card_handheld', filename: 'h.png', data: handheld },
      ])
      expect(response.status).toBe(201)
      expect(response.body.data).toEqual({
        id: userId,
        photo: expect.any(String),
        id_card_handheld: expect.any(String),
      })
      await expectServed(response.body.data.photo, photo, 'image/png')
      // ID-card images are private: served to their owner only.
      const handheldPath = storedKey(response.body.data.id_card_handheld)
      expect(handheldPath).toMatch(new RegExp(`^private/${userId}/`))
      const served = await t.app.inject({ url: `/uploads/${handheldPath}`, headers: auth })
      expect([served.statusCode, served.rawPayload]).toEqual([200, handheld])
    })

    it('answers 400 for a field named like a prototype property', async () => {
      const { auth } = await login(t.app, '13400000038')
      for (const field of ['constructor', 'toString', '__proto__']) {
        const response = await patchPhoto(auth, [
          { field, filename: 'c.png', type: 'image/png', data: png() },
        ])
        expect(response.status).toBe(400)
        expect(response.body).toEqual({ message: expect.any(String) })
      }
      expect((await get('/v1_0/user', auth)).body.data.photo).toBe(DEFAULT_PHOTO)
    })

    it('answers 413 for more files than there are image fields', async () => {
      const { auth } = await login(t.app, '13400000037')
      const files = ['photo', 'id_card_front', 'id_card_back', 'id_card_handheld', 'photo']
      expect(
        await patchPhoto(
          auth,
          files.map((field, i) => ({ field, filename: `${i}.png`, data: png(2, i + 1) })),
        ),
      ).toEqual({ status: 413, body: { message: 'Too many files in the upload.' } })
      expect((await get('/v1_0/user', auth)).body.data.photo).toBe(DEFAULT_PHOTO)
    })

    it('answers 201 {id} when no image was sent', async () => {
      const { auth, userId } = await login(t.app, '13400000034')
      expect(await patchPhoto(auth, [{ field: 'note', data: 'hello' }])).toEqual({
        status: 201,
        body: { message: 'OK', data: { id: userId } },
      })
    })

    it('answers 400 for a file that is not an image, whatever it claims to be', async () => {
      const { auth } = await login(t.app, '13400000035')
      const response = await patchPhoto(auth, [
        { field: 'photo', filename: 'me.png', type: 'image/png', data: 'not a png at all' },
      ])
      expect(response).toEqual({
        status: 400,
        body: { message: { photo: 'Invalid image.' } },
      })
      expect((await get('/v1_0/user', auth)).body.data.photo).toBe(DEFAULT_PHOTO)
    })

    it.each(MOUNTS)(
      'answers 400 to an upload cut off before its closing boundary (mount "%s")',
      async (p) => {
        const { auth } = await login(t.app, '13400000061')
        const { payload, headers } = multipart([
          { field: 'photo', filename: 'p.png', type: 'image/png', data: png(5, 5) },
        ])
        // Inside the closing boundary, and inside the file's bytes.
        for (const cut of [payload.length - 20, payload.length - 60]) {
          const response = await t.app.inject({
            method: 'PATCH',
            url: `${p}/v1_0/user/photo`,
            headers: { ...auth, ...headers },
            payload: payload.subarray(0, cut),
          })
          expect(response.statusCode).toBe(400)
          expect(response.json()).toEqual({
            message: 'The browser (or proxy) sent a request that this server could not understand.',
          })
        }
        expect((await get('/v1_0/user', auth)).body.data.photo).toBe(DEFAULT_PHOTO)
      },
    )

    it('changes nothing for a body that is not multipart', async () => {
      const { auth, userId } = await login(t.app, '13400000036')
      const json = await t.app.inject({
        method: 'PATCH',
        url: '/v1_0/user/photo',
        headers: auth,
        payload: { photo: png().toString('base64') },
      })
      expect(json.statusCode).toBe(201)
      expect(exactJson(json.body)).toEqual({ message: 'OK', data: { id: userId } })
      expect((await get('/v1_0/user', auth)).body.data.photo).toBe(DEFAULT_PHOTO)
    })
  })

  it('answers 507 when the image store fails, and changes nothing', async () => {
    const { auth } = await login(t.app, '13400000039')
    const put = vi.spyOn(t.deps.storage, 'put')
    const putPrivate = vi.spyOn(t.deps.storage, 'putPrivate')
    try {
      put.mockRejectedValue(new StorageError('disk full'))
      putPrivate.mockRejectedValue(new StorageError('disk full'))
      expect(await patchProfile(auth, { name: '存不下', photo: png().toString('base64') })).toEqual(
        { status: 507, body: { message: 'Uploading profile photo image failed.' } },
      )
      expect(
        await patchPhoto(auth, [{ field: 'id_card_front', filename: 'f.png', data: png() }]),
      ).toEqual({ status: 507, body: { message: 'Uploading id_card_front image failed.' } })
    } finally {
      put.mockRestore()
      putPrivate.mockRestore()
    }
    expect((await get('/v1_0/user', auth)).body.data).toMatchObject({
      name: expect.stringMatching(NEW_USER_NAME),
      photo: DEFAULT_PHOTO,
    })
  })

  it.each(MOUNTS)('GET /user/figure answers fans and read counts (mount "%s")', async (p) => {
    const { auth, userId } = await login(t.app, p ? '13400000042' : '13400000041')
    expect(await get(`${p}/v1_0/user/figure`, auth)).toEqual({
      status: 200,
      body: { message: 'OK', data: { fans_count: 0, read_count: 0 } },
    })
    await t.deps.counters.incr(COUNTERS.userFollowers, userId, 2)
    await t.deps.counters.incr(COUNTERS.userArticlesReading, userId, 40)
    await t.deps.counters.incr(COUNTERS.userArticles, userId, 1)
    expect(await get(`${p}/v1_0/user/figure`, auth)).toEqual({
      status: 200,
      body: { message: 'OK', data: { fans_count: 2, read_count: 40 } },
    })
  })
})

describe('upload size limit', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({ env: { UPLOAD_MAX_BYTES: '2048' } })
  })
  afterAll(() => t.close())

  const big = png(32, 32, (n) => randomBytes(n))
  const small = png(4, 4)

  it('answers 413 for a multipart file over the limit and keeps the photo', async () => {
    expect(big.length).toBeGreaterThan(2048)
    const { auth } = await login(t.app, '13400000051')
    for (const p of MOUNTS) {
      const { payload, headers } = multipart([
        { field: 'photo', filename: 'big.png', type: 'image/png', data: big },
      ])
      const response = await t.app.inject({
        method: 'PATCH',
        url: `${p}/v1_0/user/photo`,
        headers: { ...auth, ...headers },
        payload,
      })
      expect(response.statusCode).toBe(413)
      expect(response.json()).toEqual({ message: 'The uploaded file is too large.' })
    }
    const me = await t.app.inject({ url: '/v1_0/user', headers: auth })
    expect(me.json().data.photo).toBe(DEFAULT_PHOTO)
  })

  it('answers 413 for a base64 image over the limit', async () => {
    const { auth } = await login(t.app, '13400000052')
    const response = await t.app.inject({
      method: 'PATCH',
      url: '/v1_0/user/profile',
      headers: auth,
      payload: { photo: big.toString('base64') },
    })
    expect(response.statusCode).toBe(413)
    expect(response.json()).toEqual({ message: 'The uploaded file is too large.' })
  })

  it('still takes files under the limit', async () => {
    const { auth } = await login(t.app, '13400000053')
    const { payload, headers } = multipart([
      { field: 'photo', filename: 'small.png', type: 'image/png', data: small },
    ])
    const upload = await t.app.inject({
      method: 'PATCH',
      url: '/v1_0/user/photo',
      headers: { ...auth, ...headers },
      payload,
    })
    expect(upload.statusCode).toBe(201)
    const encoded = await t.app.inject({
      method: 'PATCH',
      url: '/v1_0/user/profile',
      headers: auth,
      payload: { photo: small.toString('base64') },
    })
    expect(encoded.statusCode).toBe(201)
    expect(encoded.json().data.photo).toBe(upload.json().data.photo)
  })
})
