import { describe, expect, it } from 'vitest'
import {
  clickText,
  consoleSuite,
  hasChromium,
  nextMessage,
  openMenu,
  waitForText,
} from '../../test/browser.js'
import { misCall, misToken } from '../../test/console-fixtures.js'

// Callbacks below run in the page; the suite is compiled without the DOM library.
declare const document: any

const OTHER = '另一个词'

describe.skipIf(!hasChromium)('admin console in a browser: a list with an edit dialog', () => {
  const suite = consoleSuite(async ({ t }) => {
    const token = await misToken(t)
    const created = await misCall(t, token, 'POST', '/sensitive_words', { word: OTHER, weights: 1 })
    expect(created.status).toBe(201)
  })

  it('adds, filters, edits and deletes a sensitive word through the toolbar and the dialog', async () => {
    const { t } = suite
    const token = await misToken(t)
    const { page, problems } = await suite.signedIn()
    const words = async () =>
      (await misCall(t, token, 'GET', '/sensitive_words')).body.data.words.map(
        (w: any) => `${w.word}:${w.weights}`,
      )
    const bodyRows = '[data-test=words] .el-table__body tr'
    const rowCount = (n: number) =>
      page.waitForFunction(
        (sel, count) => document.querySelectorAll(sel).length === count,
        {
          timeout: 15_000,
        },
        bodyRows,
        n,
      )
    await openMenu(page, '敏感词')
    await rowCount(1)

    await clickText(page, '.toolbar button', '添加')
    await page.waitForSelector('.el-dialog input')
    expect(await page.$eval('.el-dialog__title', (el) => el.textContent)).toBe('添加敏感词')
    await page.type('.el-dialog input', '  新词  ')
    await page.click('[data-test=dialog-save]')
    expect(await nextMessage(page)).toEqual({ type: 'success', text: '已保存敏感词「新词」' })
    await rowCount(2)
    expect((await words()).sort()).toEqual([`${OTHER}:1`, '新词:1'].sort())

    // The toolbar's text filter answers on Enter.
    await page.type('.toolbar input', '新')
    await page.keyboard.press('Enter')
    await rowCount(1)
    await waitForText(page, '新词', bodyRows)

    await clickText(page, `${bodyRows} button`, '编辑')
    await page.waitForSelector('.el-dialog input')
    expect(await page.$eval('.el-dialog__title', (el) => el.textContent)).toBe('编辑敏感词')
    await page.click('.el-dialog input', { count: 3 })
    await page.type('.el-dialog input', '新词语')
    await page.click('[data-test=dialog-save]')
    expect(await nextMessage(page)).toEqual({ type: 'success', text: '已保存敏感词「新词语」' })
    await waitForText(page, '新词语', bodyRows)
    expect((await words()).sort()).toEqual([`${OTHER}:1`, '新词语:1'].sort())

    await clickText(page, `${bodyRows} button`, '删除')
    await clickText(page, '.el-message-box button', '删除')
    expect(await nextMessage(page)).toEqual({ type: 'success', text: '已删除敏感词「新词语」' })
    await rowCount(0)
    expect(await words()).toEqual([`${OTHER}:1`])
    expect(problems).toEqual([])
  })
})
