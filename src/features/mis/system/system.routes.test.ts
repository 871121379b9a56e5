import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../../test/app.js'
import { send } from '../../../../test/inject.js'
import { ADMIN_PASSWORD, adminLogin, superAdmin } from '../../../../test/mis.js'

describe('mis administrators, groups and permissions', () => {
  let t: TestApp
  let root: Awaited<ReturnType<typeof superAdmin>>
  const mis = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    send(t.app, method, `/mis/v1_0${url}`, root.auth, body)
  beforeAll(async () => {
    t = await buildTestApp()
    root = await superAdmin(t)
  })
  afterAll(() => t?.close())

  it('a group gets exactly the permissions it is given; its administrators can use them at once', async () => {
    const points = await mis('GET', '/permissions?type=1&keyword=channel-list&per_page=50')
    const ids = points
      .json()
      .data.permissions.map((p: { permission_id: number }) => p.permission_id)
    expect(ids).toHaveLength(4)
    const group = await mis('POST', '/groups', {
      name: '编辑',
      remark: '频道',
      permission_ids: ids.slice(0, 1),
    })
    expect(group.statusCode).toBe(200)
    const { group_id } = group.json().data
    const dup = await mis('POST', '/groups', { name: '编辑' })
    expect(dup.statusCode).toBe(403)
    expect(dup.json()).toEqual({ message: 'Group 编辑 already exists.' })
    const found = await mis('GET', '/groups?keyword=编')
    expect(found.json().data).toEqual({
      groups: [{ group_id, name: '编辑', remark: '频道', status: 1 }],
      total_count: 1,
    })

    const created = await mis('POST', '/administrators', {
      account: 'editor',
      password: ADMIN_PASSWORD,
      name: '编辑一',
      group_id,
    })
    expect(created.statusCode).toBe(201)
    expect(created.json().data).toMatchObject({ account: 'editor', name: '编辑一' })
    const editor = await adminLogin(t.app, 'editor')
    const checked = (tree: any[]): string[] =>
      tree.flatMap((n) => [...(n.checked ? [n.code] : []), ...checked(n.children)])
    expect(checked(JSON.parse(editor.body).data.permission_tree)).toEqual(['channel-list-get'])
    expect((await send(t.app, 'GET', '/mis/v1_0/channels', editor.auth)).statusCode).toBe(200)
    expect((await send(t.app, 'GET', '/mis/v1_0/groups', editor.auth)).statusCode).toBe(403)

    const edited = await mis('PUT', `/groups/${group_id}`, { permission_ids: ids.slice(1, 3) })
    expect(edited.statusCode).toBe(201)
    const detail = await mis('GET', `/groups/${group_id}`)
    expect(checked(detail.json().data.permission_tree).sort()).toEqual([
      'channel-list-post',
      'channel-list-put',
    ])
    expect((await send(t.app, 'GET', '/mis/v1_0/channels', editor.auth)).statusCode).toBe(403)

    await mis('PUT', `/groups/${group_id}`, { status: 0 })
    const off = await send(t.app, 'POST', '/mis/v1_0/channels', editor.auth, {
      name: 'x',
      is_visible: 0,
    })
    expect(off.json()).toEqual({ message: 'Group status disable.' })

    const busy = await mis('DELETE', `/groups/${group_id}`)
    expect(busy.statusCode).toBe(400)
    expect(busy.json()).toEqual({ message: 'Delete administrator first.' })
    const list = await mis('GET', '/administrators?keyword=edit')
    const [row] = list.json().data.administrators
    expect(row).toMatchObject({ account: 'editor', group_name: '编辑', status: 1, access_count: 1 })
    expect(row.last_login).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/)
    expect((await mis('DELETE', `/administrators/${row.administrator_id}`)).statusCode).toBe(204)
    expect((await mis('DELETE', `/groups/${group_id}`)).statusCode).toBe(204)
    expect((await mis('GET', `/groups/${group_id}`)).json()).toEqual({
      message: 'Invalid group id.',
    })
  })

  it('an administrator disabled by another is refused at once; nobody deletes themselves', async () => {
    const created = await mis('POST', '/administrators', {
      account: 'temp01',
      password: ADMIN_PASSWORD,
      name: 't',
      group_id: 1,
    })
    const id = created.json().data.administrator_id
    const temp = await adminLogin(t.app, 'temp01')
    expect((await send(t.app, 'GET', '/mis/v1_0/users', temp.auth)).statusCode).toBe(200)
    expect((await mis('PUT', `/administrators/${id}`, { status: 0 })).statusCode).toBe(201)
    const refused = await send(t.app, 'GET', '/mis/v1_0/users', temp.auth)
    expect(refused.statusCode).toBe(403)
    expect(refused.json()).toEqual({ message: 'Administrator status disable.' })
    const self = await mis('DELETE', `/administrators/${root.id}`)
    expect(self.statusCode).toBe(403)
    const own = await mis('PUT', `/administrators/${root.id}`, { password: 'other1234' })
    expect(own.json()).toEqual({ message: 'Current password error.' })
    const taken = await mis('PUT', `/administrators/${id}`, { account: 'root' })
    expect(taken.statusCode).toBe(403)
    expect(taken.json()).toEqual({ message: 'root already exists' })
  })

  it('permissions hang under menus; a menu with children is deleted only with del_children', async () => {
    const orphan = await mis('POST', '/permissions', {
      name: '孤儿',
      type: 1,
      code: 'z-get',
      parent_id: 21,
    })
    expect(orphan.statusCode).toBe(400)
    expect(orphan.json()).toEqual({ message: 'Parent(21) permission does not exist' })
    const menu = await mis('POST', '/permissions', {
      name: '新菜单',
      type: 0,
      code: '/home/new',
      parent_id: 0,
    })
    const menuId = menu.json().data.permission_id
    const point = await mis('POST', '/permissions', {
      name: '新接口',
      type: 1,
      code: 'new-get',
      parent_id: menuId,
    })
    expect(point.statusCode).toBe(201)
    const blocked = await mis('DELETE', `/permissions/${menuId}`)
    expect(blocked.json()).toEqual({ message: 'There are subdirectories that cannot be deleted.' })
    expect((await mis('DELETE', `/permissions/${menuId}?del_children=1`)).statusCode).toBe(204)
    const gone = await mis('GET', `/permissions/${point.json().data.permission_id}`)
    expect(gone.json()).toEqual({ message: 'Invalid permission id.' })
    const children = await mis('GET', `/permissions?parent_id=${menuId}`)
    expect(children.json().data.total_count).toBe(0)
  })
})
