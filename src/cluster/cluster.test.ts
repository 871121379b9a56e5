import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_REDIS_URL, uniqueTag } from '../../test/env.js'
import { TEST_SMS_CODE } from '../../test/app.js'
import { userIdOfToken } from '../../test/login.js'
import { freePort, requestLoop, startHeadline, type LogLine } from '../../test/processes.js'
import { Client } from '../../test/sockets.js'
import { deleteKeysUnder } from '../infra/redis/redis.js'

const workerBits = (id: bigint) => Number((id >> 12n) & 31n)
const said = (text: string) => (line: LogLine) => line.msg === text

describe.skipIf(!TEST_REDIS_URL)('serve --workers (node:cluster)', () => {
  const prefix = `test:${uniqueTag()}:`
  const dirs: string[] = []
  let redis: Redis
  let mobiles = 13_700_000_000

  // A primary on SQLite + the shared Redis prefix, as a machine of a cluster would be.
  const startPrimary = async (workers: number) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-cluster-'))
    dirs.push(dataDir)
    const port = await freePort()
    const primary = startHeadline(['serve', '--workers', String(workers)], {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: TEST_REDIS_URL as string,
      REDIS_PREFIX: prefix,
      SMS_TEST_CODE: TEST_SMS_CODE,
      JWT_SECRET: 'test-secret-with-enough-length',
    })
    const listening = await primary.waitFor(said('workers listening'), 240_000)
    return { primary, url: `http://127.0.0.1:${port}`, pids: listening['workers'] as number[] }
  }
  // Registering a new mobile mints a user id on whichever worker takes the connection.
  const mintUserIds = async (url: string, count: number) =>
    Promise.all(
      Array.from({ length: count }, async () => {
        const response = await fetch(`${url}/v1_0/authorizations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', connection: 'close' },
          body: JSON.stringify({ mobile: String(++mobiles), code: TEST_SMS_CODE }),
        })
        expect(response.status).toBe(201)
        const { data } = (await response.json()) as { data: { token: string } }
        return userIdOfToken(data.token)
      }),
    )
  const leasedIds = async () =>
    (await redis.keys(`${prefix}ids:worker:0:*`)).map((key) => Number(key.split(':').pop()))

  let a: Awaited<ReturnType<typeof startPrimary>>
  let b: Awaited<ReturnType<typeof startPrimary>>
  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL as string)
    ;[a, b] = await Promise.all([startPrimary(2), startPrimary(2)])
  }, 300_000)
  afterAll(async () => {
    await Promise.all([a?.primary.stop(), b?.primary.stop()])
    await deleteKeysUnder(redis, prefix)
    redis.disconnect()
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('serves one port from several workers, each minting with its own leased worker id', async () => {
    expect(new Set(a.pids).size).toBe(2)
    const fromA = await mintUserIds(a.url, 24)
    const fromB = await mintUserIds(b.url, 24)
    const bitsA = new Set(fromA.map(workerBits))
    const bitsB = new Set(fromB.map(workerBits))
    // Both workers of A answered on A's one port, and the two primaries share no worker id.
    expect(bitsA.size).toBe(2)
    expect(bitsB.size).toBe(2)
    expect([...bitsA].filter((bits) => bitsB.has(bits))).toEqual([])
    expect(new Set([...fromA, ...fromB]).size).toBe(48)
    expect((await leasedIds()).sort()).toEqual([...bitsA, ...bitsB].sort())
  }, 60_000)

  it('speaks websocket only on the workers: a polling handshake is refused', async () => {
    const polling = await fetch(`${a.url}/socket.io/?EIO=4&transport=polling`)
    expect(polling.status).toBe(400)
    const client = new Client(a.url, 'v2', 'websocket')
    try {
      await client.connected()
      expect(await client.nextOf('message')).toMatchObject({ msg: expect.any(String) })
    } finally {
      client.socket.close()
    }
  }, 30_000)

  it('replaces the workers one by one on SIGHUP without failing a request', async () => {
    // New connections for each request, and kept-alive ones that the old workers must hand over.
    const fresh = requestLoop(`${a.url}/v1_0/channels`, 3)
    const kept = requestLoop(`${a.url}/v1_0/channels`, 3, { keepAlive: true })
    await sleep(500)
    a.primary.child.kill('SIGHUP')
    const reloaded = await a.primary.waitFor(said('workers reloaded'), 120_000)
    await sleep(500)
    for (const result of [await fresh.stop(), await kept.stop()]) {
      expect(result.errors).toEqual({})
      expect(Object.keys(result.statuses)).toEqual(['200'])
      expect(result.statuses[200]).toBeGreaterThan(20)
    }
    const pids = reloaded['pids'] as number[]
    expect(pids.filter((pid) => a.pids.includes(pid))).toEqual([])
    // The old workers gave their ids back; the new ones hold two others.
    expect(await leasedIds()).toHaveLength(4)
    expect(new Set((await mintUserIds(a.url, 24)).map(workerBits)).size).toBe(2)
  }, 180_000)

  it('drains every worker on SIGTERM: a request in flight is answered, leases released', async () => {
    // A login whose body arrives in two parts, the signal in between.
    const body = JSON.stringify({ mobile: String(++mobiles), code: TEST_SMS_CODE })
    const { port } = new URL(a.url)
    const request = http.request({
      port,
      host: '127.0.0.1',
      method: 'POST',
      path: '/v1_0/authorizations',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    })
    const answered = new Promise<number>((resolve, reject) => {
      request.on('response', (response) => resolve(response.statusCode ?? 0))
      request.on('error', reject)
    })
    request.write(body.slice(0, 10))
    await sleep(300)
    a.primary.child.kill('SIGTERM')
    await a.primary.waitFor(said('draining workers'))
    await sleep(1000)
    request.end(body.slice(10))
    expect(await answered).toBe(201)
    expect(await a.primary.exited).toEqual({ code: 0, signal: null })
    await expect(fetch(`${a.url}/v1_0/channels`)).rejects.toThrow()
    expect(await leasedIds()).toHaveLength(2)
  }, 60_000)
})
