import { describe, expect, it } from 'vitest'
import {
  clickText,
  consoleSuite,
  hasChromium,
  openMenu,
  screenshot,
  waitForText,
} from '../../test/browser.js'
import { misCall, misToken, submitThroughMp, SUPER } from '../../test/console-fixtures.js'

const READER = { account: 'reader01', password: 'reader2024pass' }
const TITLE = '只读管理员看到的待审核文章'

/** The ids of the permission points whose code is in `codes`, with the menus above them. */
function idsFor(tree: any[], codes: string[]): number[] {
  const ids: number[] = []
  const walk = (nodes: any[], parents: number[]) => {
    for (const node of nodes) {
      if (codes.includes(node.code)) ids.push(node.permission_id, ...parents)
      walk(node.children ?? [], [...parents, node.permission_id])
    }
  }
  walk(tree, [])
  return [...new Set(ids)]
}

describe.skipIf(!hasChromium)('admin console in a browser: permissions and the other pages', () => {
  const suite = consoleSuite(async ({ t }) => {
    await submitThroughMp(t, [{ title: TITLE, content: '<p>正文</p>' }])
    const token = await misToken(t)
    const login = await t.app.inject({
      method: 'POST',
      url: '/mis/v1_0/authorizations',
      payload: SUPER,
    })
    const tree = (login.json() as any).data.permission_tree
    const group = await misCall(t, token, 'POST', '/groups', {
      name: '只读审核员',
      remark: '只能查看审核列表',
      status: 1,
      permission_ids: idsFor(tree, ['article-list-get', 'article-get']),
    })
    expect(group.status).toBeLessThan(300)
    const created = await misCall(t, token, 'POST', '/administrators', {
      ...READER,
      name: '实习生',
      group_id: group.body.data.group_id,
    })
    expect(created.status).toBe(201)
  })

  it('gives an administrator without the review permission the list but none of the review actions', async () => {
    const { page, problems } = await suite.signedIn(READER)
    const menu = await page.$$eval('.el-menu-item', (items) =>
      items.map((i) => i.textContent?.trim()),
    )
    expect(menu).toEqual(['内容审核'])
    await openMenu(page, '内容审核')
    await waitForText(page, TITLE, '[data-test=articles]')
    expect(await page.$('[data-test=batch-actions]')).toBeNull()
    for (const action of ['approve', 'reject', 'ban', 'unban', 'delete']) {
      expect(await page.$(`[data-test=row-${action}]`), action).toBeNull()
    }
    expect(await page.$('[data-test=articles] .el-checkbox')).toBeNull()
    await screenshot(page, 'review-without-permission')
    expect(problems).toEqual([])
  })

  it('shows every other page to the super administrator', async () => {
    const { page, problems } = await suite.signedIn()
    const pages: [string, string, string][] = [
      ['认证审核', 'legalizes', ''],
      ['频道管理', 'channels', '[data-test=channels] .el-table__body tr'],
      ['敏感词', 'words', ''],
      ['管理员', 'administrators', '[data-test=administrators] .el-table__body tr'],
      ['角色与权限', 'groups', '[data-test=groups] .el-table__body tr'],
      ['操作日志', 'operationlogs', '[data-test=operationlogs] .el-table__body tr'],
    ]
    for (const [title, name, rows] of pages) {
      await openMenu(page, title)
      if (rows) await page.waitForSelector(rows, { timeout: 15_000 })
      expect(await page.$('.list-error'), title).toBeNull()
      await screenshot(page, name)
    }
    // The permission tree of a role, with its checkboxes.
    await openMenu(page, '角色与权限')
    await clickText(page, '[data-test=groups] .el-table__body tr button', '权限设置')
    await page.waitForSelector('[data-test=permission-tree] .el-checkbox')
    await screenshot(page, 'group-permissions')
    expect(problems).toEqual([])
  })
})
