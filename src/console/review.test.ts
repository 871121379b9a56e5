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
import { misCall, misToken, submitThroughMp } from '../../test/console-fixtures.js'

// Callbacks below run in the page; the suite is compiled without the DOM library.
declare const document: any

const APPROVE = '审核通过的新能源汽车报道'
const REJECT = '含有违禁词的待驳回稿件'
const WORD = '违禁词'

describe.skipIf(!hasChromium)('admin console in a browser: dashboard and review', () => {
  let token: string
  let ids: string[]
  let channelId: number
  const suite = consoleSuite(async ({ t }) => {
    token = await misToken(t)
    expect(
      (
        await misCall(t, token, 'POST', '/sensitive_words', {
          word: WORD,
          weights: 1,
        })
      ).status,
    ).toBe(201)
    ;({ ids, channelId } = await submitThroughMp(t, [
      { title: APPROVE, content: '<p>续航更长的电池正在量产。</p>' },
      {
        title: REJECT,
        content: `<p>这段文字里有一个${WORD}，还有<script>alert(1)</script>脚本。</p>`,
      },
    ]))
  })

  it('signs in and draws the dashboard charts with the review backlog', async () => {
    const { t } = suite
    const { page, problems } = await suite.signedIn()
    await waitForText(page, '概览', 'h2.page-title')
    // ECharts drew into both chart canvases (they have pixels, not only a size).
    await page.waitForFunction(
      () => {
        const canvases = [...document.querySelectorAll('[data-test=chart] canvas')]
        return (
          canvases.length === 2 &&
          canvases.every((c: any) => c.width > 0 && c.toDataURL().length > 5000)
        )
      },
      { timeout: 15_000 },
    )
    const pending = await t.deps.db.read
      .selectFrom('news_article_basic')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 1)
      .executeTakeFirstOrThrow()
    await waitForText(page, String(pending.n), '[data-test=backlog] .el-statistic__number')
    await screenshot(page, 'dashboard')

    expect(problems).toEqual([])
    await page.close()
  })

  it('previews the sanitised article with its sensitive words marked, approves one and rejects one with a reason', async () => {
    const { t } = suite
    const { page, problems } = await suite.signedIn()
    await openMenu(page, '内容审核')
    await waitForText(page, REJECT, '[data-test=articles]')
    await screenshot(page, 'review')

    await clickText(page, '[data-test=articles] .title-link', REJECT)
    const frame = await page.waitForSelector('iframe[data-test=preview]')
    expect(await frame!.evaluate((f) => f.getAttribute('sandbox'))).toBe('')
    const srcdoc = await frame!.evaluate((f) => f.getAttribute('srcdoc') ?? '')
    expect(srcdoc).toContain(`<mark class="hit">${WORD}</mark>`)
    expect(srcdoc).not.toContain('<script')
    await screenshot(page, 'review-preview')
    await page.keyboard.press('Escape')

    // 通过 on the first article's row.
    await page.evaluate((title) => {
      const row = [...document.querySelectorAll('[data-test=articles] .el-table__body tr')].find(
        (tr) => tr.textContent?.includes(title),
      )
      row?.querySelector('[data-test=row-approve]')?.click()
    }, APPROVE)
    expect(await nextMessage(page)).toEqual({
      type: 'success',
      text: `已通过《${APPROVE}》`,
    })
    const feed = await t.app.inject({
      url: `/v1_1/articles?channel_id=${channelId}&timestamp=${Date.now()}&with_top=0`,
    })
    expect(feed.statusCode).toBe(200)
    expect(feed.body).toContain(APPROVE)
    expect(feed.body).toContain(ids[0])

    // 驳回 on the second one, with a reason typed into the prompt.
    await page.evaluate((title) => {
      const row = [...document.querySelectorAll('[data-test=articles] .el-table__body tr')].find(
        (tr) => tr.textContent?.includes(title),
      )
      row?.querySelector('[data-test=row-reject]')?.click()
    }, REJECT)
    await page.waitForSelector('.el-message-box input')
    await page.type('.el-message-box input', '标题党，请修改后再提交')
    await screenshot(page, 'review-reject')
    await clickText(page, '.el-message-box button', '驳回')
    expect(await nextMessage(page)).toEqual({
      type: 'success',
      text: `已驳回《${REJECT}》`,
    })
    const rejected = await misCall(t, token, 'GET', `/articles/${ids[1]}`)
    expect(rejected.body.data.status).toBe(3)
    expect(JSON.stringify(rejected.body)).toContain('标题党，请修改后再提交')

    // The queue (待审核) no longer lists either article.
    await page.waitForFunction(
      (a, b) => {
        const text = document.querySelector('[data-test=articles]')?.textContent ?? ''
        return !text.includes(a) && !text.includes(b)
      },
      { timeout: 15_000 },
      APPROVE,
      REJECT,
    )
    expect(problems).toEqual([])
    await page.close()
  })
})
