import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { multipart, png } from '../../../test/images.js'
import { send } from '../../../test/inject.js'
import { exactJson } from '../../../test/json.js'
import { login } from '../../../test/login.js'
import { mpLogin } from '../../../test/mp.js'
import { startTestS3, type TestS3 } from '../../../test/s3.js'

// The whole app on S3 storage: avatars, materials and covers live in the bucket.
describe('uploads with STORAGE_URL=s3://…', () => {
  let s3: TestS3
  let t: TestApp
  const cdn = 'http://cdn.headline.test/media/'
  beforeAll(async () => {
    s3 = await startTestS3()
    t = await buildTestApp({ env: { STORAGE_URL: s3.storageUrl } })
  })
  afterAll(async () => {
    await t?.close()
    await s3?.close()
  })

  const fetchBytes = async (url: string) => {
    const response = await fetch(url)
    expect(response.status).toBe(200)
    return Buffer.from(await response.arrayBuffer())
  }
  const upload = async (
    method: 'PATCH' | 'POST',
    url: string,
    field: string,
    data: Buffer,
    auth: Record<string, string>,
  ) => {
    const form = multipart([{ field, filename: 'x.png', type: 'image/png', data }])
    return t.app.inject({
      method,
      url,
      headers: { ...auth, ...form.headers },
      payload: form.payload,
    })
  }

  it('stores app avatars in the bucket, default avatar included', async () => {
    const user = await login(t.app, '13500000701')
    const before = exactJson((await send(t.app, 'GET', '/v1_0/user', user.auth)).body).data
    expect(before.photo).toBe(`${s3.publicUrl}Fkj6tQi3xJwVXi1u2swCElotfdCi`)
    expect((await fetchBytes(before.photo)).length).toBeGreaterThan(0)
    const image = png(9, 9)
    const reply = await upload('PATCH', '/v1_0/user/photo', 'photo', image, user.auth)
    expect(reply.statusCode).toBe(201)
    const url = exactJson(reply.body).data.photo as string
    expect(url.startsWith(s3.publicUrl)).toBe(true)
    expect((await fetchBytes(url)).equals(image)).toBe(true)
  })

  it('stores materials in the bucket and accepts their URLs as covers', async () => {
    const author = await mpLogin(t.app)
    const image = png(10, 10)
    const reply = await upload('POST', '/mp/v1_0/user/images', 'image', image, author.auth)
    expect(reply.statusCode).toBe(201)
    const url = exactJson(reply.body).data.url as string
    expect((await fetchBytes(url)).equals(image)).toBe(true)
    const created = await send(t.app, 'POST', '/mp/v1_0/articles', author.auth, {
      title: '封面放在对象存储里',
      content: '<p>正文</p>',
      cover: { type: 1, images: [url] },
      channel_id: 1,
    })
    expect(created.statusCode).toBe(201)
  })

  it('writes public URLs from STORAGE_PUBLIC_URL (a CDN in front of the bucket)', async () => {
    const behindCdn = await buildTestApp({
      env: { STORAGE_URL: s3.storageUrl, STORAGE_PUBLIC_URL: cdn },
    })
    try {
      const author = await mpLogin(behindCdn.app)
      const form = multipart([{ field: 'image', filename: 'y.png', data: png(11, 11) }])
      const reply = await behindCdn.app.inject({
        method: 'POST',
        url: '/mp/v1_0/user/images',
        headers: { ...author.auth, ...form.headers },
        payload: form.payload,
      })
      const url = exactJson(reply.body).data.url as string
      expect(url).toMatch(/^http:\/\/cdn\.headline\.test\/media\/[\w-]{28}\.png$/)
      expect((await fetchBytes(url.replace(cdn, s3.publicUrl))).equals(png(11, 11))).toBe(true)
    } finally {
      await behindCdn.close()
    }
  })
})
