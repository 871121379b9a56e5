import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import SQLite from 'better-sqlite3'
import { parse, type LosslessNumber } from 'lossless-json'
import { afterAll, describe, expect, it } from 'vitest'
import { TEST_SMS_CODE } from '../test/app.js'
import { userIdOfToken } from '../test/login.js'

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const READS = 20

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })

describe('serve (embedded)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-serve-'))
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  it('writes the reads and feed pages it holds in memory when stopped with SIGTERM', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
      cwd: ROOT,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        SMS_TEST_CODE: TEST_SMS_CODE,
        LOG_LEVEL: 'warn',
        JOBS: 'false',
        // No timed flush during the test: only the shutdown can write the reads.
        WRITE_BEHIND_MS: '3600000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const output: string[] = []
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    try {
      const url = `http://127.0.0.1:${port}`
      for (let started = Date.now(); ;) {
        if (child.exitCode !== null) throw new Error(output.join(''))
        if (
          await fetch(`${url}/healthz`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break
        if (Date.now() - started > 60_000) throw new Error(`no start:\n${output.join('')}`)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
      const login = await fetch(`${url}/v1_0/authorizations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mobile: '13911111111', code: TEST_SMS_CODE }),
      })
      const { token } = ((await login.json()) as { data: { token: string } }).data
      const feed = parse(
        await (
          await fetch(`${url}/v1_1/articles?channel_id=1&timestamp=${Date.now()}&with_top=0`)
        ).text(),
      ) as { data: { results: { art_id: LosslessNumber }[] } }
      const articleId = feed.data.results[0]!.art_id.value
      const headers = { authorization: `Bearer ${token}` }
      for (let i = 0; i < READS; i++) {
        expect((await fetch(`${url}/v1_0/articles/${articleId}`, { headers })).status).toBe(200)
      }
      // A device's feed pages: the last one is only in memory when the process is stopped.
      const device = { authorization: 'Anony sigterm-device' }
      const shown: string[] = []
      for (let page = 0; page < 3; page++) {
        const body = parse(
          await (
            await fetch(`${url}/v1_1/articles?channel_id=0&timestamp=${Date.now()}&with_top=0`, {
              headers: device,
            })
          ).text(),
        ) as { data: { results: { art_id: LosslessNumber }[] } }
        shown.push(...body.data.results.map((item) => item.art_id.value))
      }
      expect(new Set(shown).size).toBe(30)
      child.kill('SIGTERM')
      expect(await exited).toBe(0)

      const db = new SQLite(path.join(dataDir, 'headline.db'), { readonly: true })
      try {
        const count = db
          .prepare(
            "SELECT score FROM headline_counter WHERE name = 'count:art:reading' AND member = ?",
          )
          .pluck()
          .get(articleId)
        expect(Number(count)).toBe(READS)
        const history = db
          .prepare('SELECT member FROM headline_sorted_set WHERE set_key = ?')
          .pluck()
          .all(`user:${userIdOfToken(token)}:his:reading`)
        expect(history).toEqual([articleId])
        const pages = db
          .prepare('SELECT member FROM headline_sorted_set WHERE set_key = ?')
          .pluck()
          .all('reco:shown:d:sigterm-device') as string[]
        const stored = pages.flatMap((member) => member.split(',').map((hex) => BigInt(`0x${hex}`)))
        expect(stored.map(String).sort()).toEqual([...shown].sort())
      } finally {
        db.close()
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 120_000)
})
