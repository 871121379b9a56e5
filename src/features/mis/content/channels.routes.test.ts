import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../../test/app.js'
import { send } from '../../../../test/inject.js'
import { login } from '../../../../test/login.js'
import { superAdmin } from '../../../../test/mis.js'

describe('mis channels', () => {
  let t: TestApp
  let admin: Record<string, string>
  beforeAll(async () => {
    t = await buildTestApp()
    admin = (await superAdmin(t)).auth
  })
  afterAll(() => t?.close())

  const appChannels = async (headers: Record<string, string> = {}) => {
    const url = Object.keys(headers).length ? '/v1_0/user/channels' : '/v1_0/channels'
    const response = await send(t.app, 'GET', url, headers)
    expect(response.statusCode).toBe(200)
    return (response.json().data.channels as { id: number; name: string }[]).map((c) => c.name)
  }

  it('lists channels with article counts, ids as strings, filtered and paged', async () => {
    const response = await send(t.app, 'GET', '/mis/v1_0/channels?keyword=py&per_page=10', admin)
    expect(response.statusCode).toBe(200)
    const { channels, total_count } = response.json().data
    expect(total_count).toBe(1)
    expect(channels[0]).toMatchObject({ channel_id: '18', name: 'python', is_visible: 1 })
    expect(channels[0].article_count).toBeGreaterThan(0)
    const bad = await send(t.app, 'GET', '/mis/v1_0/channels?per_page=5', admin)
    expect(bad.statusCode).toBe(400)
  })

  it('a new visible channel is in the app lists on the next request; hiding and renaming too', async () => {
    const user = await login(t.app)
    expect(await appChannels()).not.toContain('rust')
    expect(await appChannels(user.auth)).toContain('python')
    const created = await send(t.app, 'POST', '/mis/v1_0/channels', admin, {
      name: 'rust',
      is_visible: 1,
    })
    expect(created.statusCode).toBe(201)
    const { channel_id } = created.json().data
    expect(created.json().data).toMatchObject({ name: 'rust', is_visible: 1, article_count: 0 })
    expect(await appChannels()).toContain('rust')

    const again = await send(t.app, 'POST', '/mis/v1_0/channels', admin, {
      name: 'rust',
      is_visible: 1,
    })
    expect(again.statusCode).toBe(403)
    expect(again.json()).toEqual({ message: 'rust already exists' })

    const hidden = await send(t.app, 'PUT', `/mis/v1_0/channels/${channel_id}`, admin, {
      name: 'rust-lang',
      is_visible: 0,
    })
    expect(hidden.statusCode).toBe(201)
    expect(await appChannels()).not.toContain('rust')
    expect(await appChannels()).not.toContain('rust-lang')

    // A user who picked python sees its new name at once.
    const renamed = await send(t.app, 'PUT', '/mis/v1_0/channels/18', admin, {
      name: 'python3',
      is_visible: 1,
    })
    expect(renamed.statusCode).toBe(201)
    expect(await appChannels(user.auth)).toContain('python3')
    expect(await appChannels()).toContain('python3')
  })

  it('refuses to delete a channel that articles use, deletes an unused one', async () => {
    const used = await send(t.app, 'DELETE', '/mis/v1_0/channels/1', admin)
    expect(used.statusCode).toBe(400)
    expect(used.json()).toEqual({ message: 'Please delete the article first.' })
    const created = await send(t.app, 'POST', '/mis/v1_0/channels', admin, {
      name: 'zig',
      is_visible: 1,
    })
    const id = created.json().data.channel_id
    expect(await appChannels()).toContain('zig')
    const gone = await send(t.app, 'DELETE', `/mis/v1_0/channels/${id}`, admin)
    expect(gone.statusCode).toBe(204)
    expect(await appChannels()).not.toContain('zig')
    const missing = await send(t.app, 'DELETE', `/mis/v1_0/channels/${id}`, admin)
    expect(missing.statusCode).toBe(400)
    expect(missing.json()).toEqual({ message: 'Invalid channel id.' })
  })

  it('records every write in the operation log, searchable by keyword and time', async () => {
    await send(t.app, 'POST', '/mis/v1_0/channels', admin, { name: 'kotlin', is_visible: 1 })
    const response = await send(t.app, 'GET', '/mis/v1_0/operationlogs?keyword=kotlin', admin)
    expect(response.statusCode).toBe(200)
    const { operationlogs, total_count } = response.json().data
    expect(total_count).toBe(1)
    expect(operationlogs[0]).toMatchObject({
      operation: '新增',
      administrator_name: '超管',
      ip: '127.0.0.1',
    })
    expect(operationlogs[0].description).toMatch(/^新增频道: kotlin \(\d+\)$/)
    const future = await send(
      t.app,
      'GET',
      '/mis/v1_0/operationlogs?keyword=kotlin&begin=2099-01-01%2000:00:00',
      admin,
    )
    expect(future.json().data.total_count).toBe(0)
    const past = await send(
      t.app,
      'GET',
      '/mis/v1_0/operationlogs?keyword=kotlin&end=2000-01-01%2000:00:00',
      admin,
    )
    expect(past.json().data.total_count).toBe(0)
    const reads = await send(t.app, 'GET', '/mis/v1_0/operationlogs?keyword=运营日志', admin)
    expect(reads.json().data.total_count).toBeGreaterThanOrEqual(3)
  })
})
