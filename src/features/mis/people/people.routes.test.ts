import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../../test/app.js'
import { send } from '../../../../test/inject.js'
import { exactJson } from '../../../../test/json.js'
import { login } from '../../../../test/login.js'
import { adminWith, superAdmin } from '../../../../test/mis.js'

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
)

describe('mis users and legalizes', () => {
  let t: TestApp
  let admin: Record<string, string>
  beforeAll(async () => {
    t = await buildTestApp()
    admin = (await superAdmin(t)).auth
  })
  afterAll(() => t?.close())

  it('creates a user who is then listed, searchable and readable', async () => {
    const body = {
      account: 'reader01',
      password: 'abc12345',
      name: '读者一号',
      mobile: '17700000001',
      gender: 1,
      profile_photo: `data:image/png;base64,${PNG.toString('base64')}`,
      company: '黑马',
    }
    const created = await send(t.app, 'POST', '/mis/v1_0/users', admin, body)
    expect(created.statusCode).toBe(201)
    const user = created.json().data
    expect(user).toMatchObject({
      account: 'reader01',
      name: '读者一号',
      mobile: '17700000001',
      status: 1,
    })
    const again = await send(t.app, 'POST', '/mis/v1_0/users', admin, {
      ...body,
      account: 'reader02',
    })
    expect(again.statusCode).toBe(403)
    expect(again.json()).toEqual({ message: '17700000001 already exists' })
    const badPhoto = await send(t.app, 'POST', '/mis/v1_0/users', admin, {
      ...body,
      account: 'reader03',
      mobile: '17700000003',
      name: '三号',
      profile_photo: Buffer.from('not an image').toString('base64'),
    })
    expect(badPhoto.statusCode).toBe(400)

    const found = await send(t.app, 'GET', '/mis/v1_0/users?keyword=1770000000', admin)
    expect(found.json().data.total_count).toBe(1)
    const id = exactJson(found.body).data.users[0].user_id as bigint
    expect(typeof id).toBe('bigint')
    const one = await send(t.app, 'GET', `/mis/v1_0/users/${id}`, admin)
    expect(one.statusCode).toBe(200)
    expect(one.json().data.name).toBe('读者一号')
    const profile = await t.deps.db.write
      .selectFrom('user_profile')
      .select(['gender', 'company'])
      .innerJoin('user_basic', 'user_basic.user_id', 'user_profile.user_id')
      .where('user_basic.mobile', '=', '17700000001')
      .executeTakeFirstOrThrow()
    expect(Number(profile.gender)).toBe(1)
    expect(profile.company).toBe('黑马')
    const missing = await send(t.app, 'GET', '/mis/v1_0/users/42', admin)
    expect(missing.statusCode).toBe(400)
    expect(missing.json()).toEqual({ message: 'Invalid user id.' })
  })

  it('approving a real-name application verifies the user; ID images need their own permission', async () => {
    const user = await login(t.app, '13800000099')
    const db = t.deps.db.write
    await db
      .updateTable('user_profile')
      .set({ real_name: '张三', id_card_front: 'front-key', id_card_back: 'back-key' })
      .where('user_id', '=', user.userId.toString())
      .execute()
    await db
      .insertInto('user_legalize_log')
      .values({ user_id: user.userId.toString(), type: 1, status: 1, qualification_id: '0' })
      .execute()
    const list = await send(t.app, 'GET', '/mis/v1_0/legalizes?status=1', admin)
    expect(list.statusCode).toBe(200)
    const [application] = list.json().data.legalizes
    expect(application).toMatchObject({ type: 1, status: 1 })

    const reviewer = await adminWith(t, ['legalize-get', 'legalize-list-put'])
    const plain = await send(
      t.app,
      'GET',
      `/mis/v1_0/legalizes/${application.legalize_id}`,
      reviewer.auth,
    )
    expect(plain.statusCode).toBe(200)
    expect(plain.json().data.user_profile).toMatchObject({
      real_name: '张三',
      id_card_front: null,
      id_card_back: null,
    })
    const full = await send(t.app, 'GET', `/mis/v1_0/legalizes/${application.legalize_id}`, admin)
    expect(full.json().data.user_profile.id_card_front).toBe(t.deps.storage.url('front-key'))

    const before = await send(t.app, 'GET', '/v1_0/user', user.auth)
    expect(before.statusCode).toBe(200)
    const approve = { legalize_ids: [String(application.legalize_id)], status: 2 }
    const done = await send(t.app, 'PUT', '/mis/v1_0/legalizes', reviewer.auth, approve)
    expect(done.statusCode).toBe(201)
    expect(done.json().data).toEqual({ count: 1 })
    const row = await db
      .selectFrom('user_basic')
      .select('is_verified')
      .where('user_id', '=', user.userId.toString())
      .executeTakeFirstOrThrow()
    expect(Number(row.is_verified)).toBe(1)
    const listed = await send(t.app, 'GET', '/mis/v1_0/users?keyword=13800000099', admin)
    expect(listed.json().data.users[0].is_verified).toBe(1)
    const after = await send(t.app, 'GET', '/mis/v1_0/legalizes?status=2', admin)
    expect(after.json().data.total_count).toBe(1)
    const missing = await send(t.app, 'GET', '/mis/v1_0/legalizes/999999', admin)
    expect(missing.statusCode).toBe(400)
    expect(missing.json()).toEqual({ message: 'Invalid legalize id.' })
  })
})
