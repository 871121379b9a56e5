import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { afterAll, beforeAll } from 'vitest'
import { buildTestApp, type TestApp, type TestAppOptions } from './app.js'
import { createSuperAdmin, SUPER } from './console-fixtures.js'

// Callbacks below run in the page; the suite is compiled without the DOM library.
declare const document: any

/** Debian's chromium; the browser tests skip (saying so) only when it is not installed. */
export const CHROMIUM = '/usr/bin/chromium'
export const hasChromium = fs.existsSync(CHROMIUM)
if (!hasChromium) {
  console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`)
}

const ROOT = path.resolve(import.meta.dirname, '..')
const CONSOLE = path.join(ROOT, 'console')
/** Where page screenshots go after a run (git-ignored). */
export const SHOTS = path.join(ROOT, 'test-results', 'console')

function sourcesHash(): string {
  const hash = createHash('sha256')
  const walk = (dir: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'dist' || entry.name === 'node_modules') continue
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(file)
      else hash.update(file).update(fs.readFileSync(file))
    }
  }
  walk(CONSOLE)
  hash.update(fs.readFileSync(path.join(ROOT, 'package-lock.json')))
  return hash.digest('hex').slice(0, 16)
}

let built: Promise<string> | undefined

/** Builds the console from its current sources (once per source state) and answers the folder. */
export function buildConsole(): Promise<string> {
  built ??= (async () => {
    const outDir = path.join(os.tmpdir(), `headline-console-${sourcesHash()}`)
    if (fs.existsSync(path.join(outDir, 'index.html'))) return outDir
    const { build } = await import('vite')
    const staging = `${outDir}.${process.pid}`
    await build({ root: CONSOLE, logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } })
    fs.renameSync(staging, outDir)
    return outDir
  })()
  return built
}

/** A test app listening on a free port with the built console; `url` is its origin. */
export async function startServer(
  options: TestAppOptions = {},
): Promise<TestApp & { url: string }> {
  const consoleDir = await buildConsole()
  const t = await buildTestApp({ ...options, env: { CONSOLE_DIR: consoleDir, ...options.env } })
  const address = await t.app.listen({ host: '127.0.0.1', port: 0 })
  return Object.assign(t, { url: address })
}

/** Headless Debian chromium with a fresh profile and nothing reaching out to the network. */
export async function launchBrowser(): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-chromium-'))
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    defaultViewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
    ],
  })
  // After the process exits: chromium may still be writing its profile when it disconnects.
  browser.process()?.once('exit', () => {
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 3 })
    } catch {
      // A leftover temp profile is harmless.
    }
  })
  return browser
}

/** A new page that records CSP violations, page errors and requests that left the server's origin. */
export async function openPage(browser: Browser, origin: string) {
  const page = await browser.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(`page error: ${String(error)}`))
  page.on('request', (request) => {
    const url = request.url()
    if (!url.startsWith(origin) && !/^(data|blob|about):/.test(url))
      problems.push(`outside request: ${url}`)
  })
  return { page, problems }
}

/** Saves a full-page screenshot as test-results/console/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true })
  // Let drawers and dialogs finish sliding in (spinners loop forever: they do not count).
  await page.waitForFunction(
    () =>
      document
        .getAnimations()
        .every(
          (a: any) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity,
        ),
    { timeout: 5_000 },
  )
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) as `${string}.png` })
}

/** Waits until an element whose text includes `text` appears (optionally under `selector`). */
export async function waitForText(page: Page, text: string, selector = 'body'): Promise<void> {
  await page.waitForFunction(
    (sel, t) => [...document.querySelectorAll(sel)].some((el: any) => el.textContent?.includes(t)),
    { timeout: 15_000 },
    selector,
    text,
  )
}

/** Clicks the first element matching `selector` whose text includes `text`. */
export async function clickText(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(
    (sel, t) => [...document.querySelectorAll(sel)].some((el: any) => el.textContent?.includes(t)),
    { timeout: 15_000 },
    selector,
    text,
  )
  await page.evaluate(
    (sel, t) => {
      const el = [...document.querySelectorAll(sel)].find((e: any) => e.textContent?.includes(t))
      el?.click()
    },
    selector,
    text,
  )
}

/** Signs in through the console's login form and waits for the menu. */
export async function signInThroughPage(
  page: Page,
  origin: string,
  account: string,
  password: string,
) {
  await page.goto(`${origin}/admin/`, { waitUntil: 'networkidle0' })
  await page.waitForSelector('input[name=account]')
  await page.type('input[name=account]', account)
  await page.type('input[name=password]', password)
  await page.click('[data-test=login-submit]')
  await page.waitForSelector('.el-menu')
}

/** A server with the built console and the super administrator, and a browser, for one suite. */
export interface ConsoleSuite {
  t: TestApp & { url: string }
  browser: Browser
  /** A new page signed in as `who` (the super administrator unless told). */
  signedIn(who?: { account: string; password: string }): ReturnType<typeof openPage>
}

/**
 * Starts the suite's server and browser before its tests (then runs `setup`, e.g. to seed data)
 * and closes both after them.
 */
export function consoleSuite(setup?: (suite: ConsoleSuite) => Promise<void>): ConsoleSuite {
  const suite = {
    async signedIn(who = SUPER) {
      const opened = await openPage(suite.browser, suite.t.url)
      await signInThroughPage(opened.page, suite.t.url, who.account, who.password)
      return opened
    },
  } as ConsoleSuite
  beforeAll(async () => {
    ;[suite.t, suite.browser] = await Promise.all([startServer(), launchBrowser()])
    await createSuperAdmin(suite.t)
    await setup?.(suite)
  }, 180_000)
  afterAll(async () => {
    await suite.browser?.close()
    await suite.t?.close()
  })
  return suite
}

/** Goes to a console page through its menu entry and waits for its title. */
export async function openMenu(page: Page, title: string): Promise<void> {
  await clickText(page, '.el-menu-item', title)
  await waitForText(page, title, 'h2.page-title')
}

/** The text of the newest Element Plus message toast (success or error). */
export async function nextMessage(page: Page): Promise<{ type: string; text: string }> {
  const handle = await page.waitForSelector('.el-message', { timeout: 15_000 })
  const message = await handle!.evaluate((el) => ({
    type: el.className.includes('success')
      ? 'success'
      : el.className.includes('error')
        ? 'error'
        : 'other',
    text: el.textContent?.trim() ?? '',
  }))
  await page.evaluate(() =>
    document.querySelectorAll('.el-message').forEach((el: any) => el.remove()),
  )
  return message
}
