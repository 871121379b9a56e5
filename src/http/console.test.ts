import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { CONSOLE_CSP } from './console.js'

/** A stand-in build: the serving rules do not depend on what the bundle contains. */
function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-console-'))
  fs.mkdirSync(path.join(dir, 'assets'))
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>头条管理后台</title>')
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)')
  fs.writeFileSync(path.join(dir, 'preview.css'), 'body{}')
  return dir
}

describe('admin console serving', () => {
  let t: TestApp
  let dir: string
  beforeAll(async () => {
    dir = fakeBuild()
    t = await buildTestApp({ env: { CONSOLE_DIR: dir } })
  })
  afterAll(async () => {
    await t?.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('answers the page at /admin/ with a strict CSP and redirects /admin there', async () => {
    const page = await t.app.inject({ url: '/admin/' })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.body).toContain('头条管理后台')
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP)
    expect(CONSOLE_CSP).toContain("script-src 'self'")
    expect(CONSOLE_CSP).not.toContain('unsafe')
    expect(page.headers['x-frame-options']).toBe('DENY')
    expect(page.headers['cache-control']).toBe('no-cache')
    const bare = await t.app.inject({ url: '/admin' })
    expect(bare.statusCode).toBe(302)
    expect(bare.headers.location).toBe('/admin/')
  })

  it('falls back to the page for console routes, but a missing asset is a 404', async () => {
    for (const url of ['/admin/review', '/admin/users?page=2', '/admin/groups/3']) {
      const reply = await t.app.inject({ url })
      expect(reply.statusCode, url).toBe(200)
      expect(reply.body).toContain('头条管理后台')
      expect(reply.headers['content-security-policy']).toBe(CONSOLE_CSP)
    }
    const missing = await t.app.inject({ url: '/admin/assets/nope-123.js' })
    expect(missing.statusCode).toBe(404)
    expect(missing.headers['content-security-policy']).toBe(CONSOLE_CSP)
  })

  it('serves hashed assets for a year and other files revalidated', async () => {
    const asset = await t.app.inject({ url: '/admin/assets/index-abc123.js' })
    expect(asset.statusCode).toBe(200)
    expect(asset.body).toBe('console.log(1)')
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(asset.headers['x-content-type-options']).toBe('nosniff')
    const css = await t.app.inject({ url: '/admin/preview.css' })
    expect(css.headers['cache-control']).toBe('no-cache')
  })

  it('leaves the API and its 404s alone', async () => {
    const channels = await t.app.inject({ url: '/v1_0/channels' })
    expect(channels.statusCode).toBe(200)
    expect(channels.headers['content-security-policy']).toBeUndefined()
    const unknown = await t.app.inject({ url: '/administration' })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json()).toEqual({ message: expect.any(String) })
  })
})

describe('admin console not built', () => {
  it('says how to build it instead of failing', async () => {
    const t = await buildTestApp({
      env: { CONSOLE_DIR: path.join(os.tmpdir(), 'headline-no-console') },
    })
    try {
      const reply = await t.app.inject({ url: '/admin/review' })
      expect(reply.statusCode).toBe(503)
      expect(reply.body).toContain('npm run build')
    } finally {
      await t.close()
    }
  })
})
