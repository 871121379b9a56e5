import { describe, expect, it } from 'vitest'
import {
  clickText,
  consoleSuite,
  hasChromium,
  nextMessage,
  openMenu,
  screenshot,
  waitForText,
} from '../../test/browser.js'
import { login } from '../../test/login.js'

// Callbacks below run in the page; the suite is compiled without the DOM library.
declare const document: any

const MOBILE = '13700001234'

describe.skipIf(!hasChromium)('admin console in a browser: users', () => {
  const suite = consoleSuite()

  it('freezes a user with 冻结, and their app token is refused on the next request', async () => {
    const { t } = suite
    const user = await login(t.app, MOBILE)
    expect((await t.app.inject({ url: '/v1_0/user', headers: user.auth })).statusCode).toBe(200)

    const { page, problems } = await suite.signedIn()
    await openMenu(page, '用户管理')
    await page.type('.toolbar input', MOBILE)
    await page.click('[data-test=user-search]')
    await waitForText(page, MOBILE, '[data-test=users] .el-table__body')
    await page.waitForFunction(
      () => document.querySelectorAll('[data-test=users] .el-table__body tr').length === 1,
      { timeout: 15_000 },
    )
    await clickText(page, '[data-test=users] .el-table__body button', '查看')
    await waitForText(page, MOBILE, '.el-drawer .el-descriptions')
    await screenshot(page, 'user-profile')
    await page.keyboard.press('Escape')

    await page.waitForSelector('.el-drawer', { hidden: true })
    await page.$eval('[data-test=users] [data-test=freeze]', (button: any) => button.click())
    await clickText(page, '.el-message-box button', '冻结')
    expect((await nextMessage(page)).type).toBe('success')
    await page.waitForSelector('[data-test=users] [data-test=unfreeze]')
    await screenshot(page, 'users')

    const refused = await t.app.inject({
      url: '/v1_0/user',
      headers: user.auth,
    })
    expect(refused.statusCode).toBe(403)
    expect(refused.json()).toEqual({ message: 'User denied.' })
    expect(problems).toEqual([])
  })
})
