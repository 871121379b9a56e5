import type { Browser } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  hasChromium,
  launchBrowser,
  openPage,
  screenshot,
  startServer,
} from '../../test/browser.js'
import type { TestApp } from '../../test/app.js'

// Callbacks below run in the page; the suite is compiled without the DOM library.
declare const document: any

describe.skipIf(!hasChromium)('admin console in a browser: login page', () => {
  let t: TestApp & { url: string }
  let browser: Browser
  beforeAll(async () => {
    ;[t, browser] = await Promise.all([startServer(), launchBrowser()])
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('loads with every asset from the server, no CSP violation, and shows a refused login in place', async () => {
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

    await page.type('input[name=account]', 'nobody1')
    await page.type('input[name=password]', 'wrongpass1')
    await page.click('[data-test=login-submit]')
    // Whatever the API answers for this account, the page shows the API's own message.
    const api = await fetch(`${t.url}/mis/v1_0/authorizations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account: 'nobody1', password: 'wrongpass1' }),
    })
    const message = ((await api.json()) as { message: string }).message
    expect(api.ok).toBe(false)
    await page.waitForFunction(
      (text) => document.querySelector('[data-test=login-error]')?.textContent?.includes(text),
      { timeout: 15_000 },
      message,
    )
    await screenshot(page, 'login')
    expect(problems).toEqual([])
  })
})
