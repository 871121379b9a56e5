import { describe, expect, it } from 'vitest'
import { consoleSuite, hasChromium, openMenu, openPage, screenshot } from '../../test/browser.js'
import { SUPER } from '../../test/console-fixtures.js'

// Callbacks below run in the page; the suite is compiled without the DOM library.
declare const document: any
declare const sessionStorage: any

const KEY = 'headline.admin.session'

describe.skipIf(!hasChromium)('admin console in a browser: login and session', () => {
  const suite = consoleSuite()

  it('loads every asset from the server without CSP violations and shows refused logins in place', async () => {
    const { t, browser } = suite
    const { page, problems } = await openPage(browser, t.url)
    const reply = await page.goto(`${t.url}/admin/`, { waitUntil: 'networkidle0' })
    expect(reply?.headers()['content-security-policy']).toContain("script-src 'self'")
    await page.waitForSelector('[data-test=login-submit]')
    expect(await page.title()).toBe('头条管理后台')

    await page.click('[data-test=login-submit]')
    await page.waitForSelector('[data-test=login-error]')
    expect(await page.$eval('[data-test=login-error]', (el) => el.textContent)).toContain(
      '请输入账号和密码',
    )

    await page.type('input[name=account]', SUPER.account)
    await page.type('input[name=password]', 'wrongpass1')
    await page.click('[data-test=login-submit]')
    await page.waitForFunction(
      () =>
        document.querySelector('[data-test=login-error]')?.textContent?.includes('Wrong password'),
      { timeout: 15_000 },
    )
    await screenshot(page, 'login')
    expect(await page.evaluate((key) => sessionStorage.getItem(key), KEY)).toBeNull()
    expect(problems).toEqual([])
  })

  it('keeps the session across a reload, refreshes a spoiled token, and signs out', async () => {
    const { t } = suite
    const { page, problems } = await suite.signedIn()
    const menu = await page.$$eval('.el-menu-item', (items) =>
      items.map((i) => i.textContent?.trim()),
    )
    expect(menu).toEqual([
      '概览',
      '内容审核',
      '用户管理',
      '认证审核',
      '频道管理',
      '敏感词',
      '管理员',
      '角色与权限',
      '操作日志',
    ])

    await page.reload({ waitUntil: 'networkidle0' })
    await page.waitForSelector('.el-menu')
    expect(await page.$('[data-test=login-submit]')).toBeNull()

    // A spoiled access token: the first call gets 401, the console refreshes and replays it.
    await page.evaluate((key) => {
      const saved = JSON.parse(sessionStorage.getItem(key))
      sessionStorage.setItem(key, JSON.stringify({ ...saved, token: 'not-a-token' }))
    }, KEY)
    await page.reload({ waitUntil: 'networkidle0' })
    await openMenu(page, '管理员')
    await page.waitForFunction(
      (account) =>
        document.querySelector('[data-test=administrators]')?.textContent?.includes(account),
      { timeout: 15_000 },
      SUPER.account,
    )
    const token = await page.evaluate((key) => JSON.parse(sessionStorage.getItem(key)).token, KEY)
    expect(token).not.toBe('not-a-token')
    const check = await t.app.inject({
      url: '/mis/v1_0/administrators',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(check.statusCode).toBe(200)

    await page.click('[data-test=logout]')
    await page.waitForSelector('[data-test=login-submit]')
    expect(await page.evaluate((key) => sessionStorage.getItem(key), KEY)).toBeNull()
    expect(problems).toEqual([])
  })
})
