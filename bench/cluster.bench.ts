/**
 * One box, whole cluster: 3 API processes (A, B, C), an `im`, a `reco` and 2 `jobs` processes on
 * MariaDB + Redis, each a child process started from source. Prints what the cluster does together:
 *
 *   - a write on A seen by B's next read (the cache bus), and how long B took to see it;
 *   - a follow recorded on A pushed to sockets held by C and by the `im` process;
 *   - a job due every 2 s run once per due time by the two `jobs` processes;
 *   - a cold key read by 1,000 concurrent requests spread over A, B, C: loads cluster-wide, over
 *     new connections and over connections already open;
 *   - C killed mid-load: a client that tries the next node on a refused connection (as nginx's
 *     proxy_next_upstream does) sees no failed request.
 *
 *   npm run bench:cluster
 *   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 BENCH_REDIS_URL=redis://127.0.0.1:6379 npm run bench:cluster
 *
 * The run uses a database and a Redis key prefix of its own and drops both at the end.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createConnection } from 'mysql2/promise'
import { pino } from 'pino'
import { io } from 'socket.io-client'
import { loadConfig } from '../src/config.js'
import { createDeps } from '../src/deps.js'
import { migrateToLatest } from '../src/infra/db/migrate.js'
import { connectRedis, createRedis, deleteKeysUnder } from '../src/infra/redis/redis.js'
import { seedDemo } from '../src/seed/demo.js'
import { freePort, startHeadline, type HeadlineProcess } from '../test/processes.js'

const DATABASE_URL = process.env['BENCH_DATABASE_URL'] ?? 'mysql://root@127.0.0.1:3306'
const REDIS_URL = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379'
const SMS_CODE = '246810'
const tag = `${process.pid}_${Date.now().toString(36)}`
const databaseName = `headline_bench_${tag}`
const prefix = `bench:${tag}:`
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-cluster-bench-'))
const databaseUrl = (() => {
  const url = new URL(DATABASE_URL)
  url.pathname = `/${databaseName}`
  return url.toString()
})()

const processes: HeadlineProcess[] = []
const figures: Record<string, unknown> = {}

async function main() {
  const admin = await createConnection(DATABASE_URL)
  await admin.query(`CREATE DATABASE \`${databaseName}\` CHARACTER SET utf8mb4`)
  await admin.end()
  try {
    await run()
  } finally {
    await Promise.all(processes.map((child) => child.stop()))
    const cleanup = await createConnection(DATABASE_URL)
    await cleanup.query(`DROP DATABASE IF EXISTS \`${databaseName}\``)
    await cleanup.end()
    const redis = createRedis(REDIS_URL)
    if (await connectRedis(redis)) await deleteKeysUnder(redis, prefix)
    redis.disconnect()
    fs.rmSync(dataDir, { recursive: true, force: true })
    console.log(JSON.stringify(figures, null, 2))
  }
}

const env = (extra: Record<string, string>) => ({
  DATA_DIR: dataDir,
  DATABASE_URL: databaseUrl,
  REDIS_URL,
  REDIS_PREFIX: prefix,
  SMS_TEST_CODE: SMS_CODE,
  JWT_SECRET: 'bench-secret-with-enough-length',
  HOST: '127.0.0.1',
  NODE_ENV: 'development',
  // Only the purge, every 2 s, so a due time comes often; the others are off.
  JOBS_PURGE_CRON: '*/2 * * * * *',
  JOBS_COUNTER_REPAIR_CRON: 'off',
  JOBS_STATS_ROLLUP_CRON: 'off',
  ...extra,
})

async function prepare() {
  const config = loadConfig(env({ LOG_LEVEL: 'warn' }))
  const deps = await createDeps(config, { log: pino({ level: 'warn' }) })
  await migrateToLatest(deps.db.write)
  await seedDemo(deps)
  await deps.close()
}

async function run() {
  const started = Date.now()
  await prepare()
  const recoPort = await freePort()
  const reco = startHeadline(['reco'], env({ RECO_PORT: String(recoPort) }))
  processes.push(reco)
  const apiPorts = [await freePort(), await freePort(), await freePort()]
  const imPort = await freePort()
  const apis = apiPorts.map((port) =>
    startHeadline(['serve'], env({ PORT: String(port), RECO_GRPC_URL: `127.0.0.1:${recoPort}` })),
  )
  const im = startHeadline(['im'], env({ PORT: String(imPort) }))
  const jobs = [startHeadline(['jobs'], env({})), startHeadline(['jobs'], env({}))]
  processes.push(...apis, im, ...jobs)
  const ready = (child: HeadlineProcess, text: string) =>
    child.waitFor((line) => typeof line.msg === 'string' && line.msg.startsWith(text), 180_000)
  await Promise.all([
    ready(reco, 'Headline recommender ready'),
    ...apis.map((api) => ready(api, 'Headline API ready')),
    ready(im, 'Headline IM ready'),
    ...jobs.map((child) => ready(child, 'Headline jobs ready')),
  ])
  figures['startSeconds'] = (Date.now() - started) / 1000
  const leased = await Promise.all(apis.map((api) => ready(api, 'snowflake worker id leased')))
  figures['apiWorkerIds'] = leased.map((line) => line['workerId'])
  const [a, b, c] = apiPorts.map((port) => `http://127.0.0.1:${port}`) as [string, string, string]

  await busLatency(a, b)
  await pushAcrossNodes(a, c, `http://127.0.0.1:${imPort}`)
  await jobRunsOnce()
  await coldKeyOnce([a, b, c])
  await killMidLoad([a, b, c], apis[2] as HeadlineProcess)
  const errors = apis.flatMap((api) => api.lines.filter((line) => Number(line['level']) >= 50))
  figures['apiErrorLogLines'] = tally(
    errors.map((line) => `${line.msg}: ${(line['err'] as { message?: string })?.message}`),
  )
}

async function login(base: string, mobile: string) {
  const response = await fetch(`${base}/v1_0/authorizations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mobile, code: SMS_CODE }),
  })
  const { data } = (await response.json()) as { data: { token: string } }
  const payload = Buffer.from(data.token.split('.')[1] ?? '', 'base64url').toString('utf8')
  return { token: data.token, userId: /"user_id":(\d+)/.exec(payload)?.[1] ?? '' }
}

const authed = (token: string) => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
})

async function busLatency(a: string, b: string) {
  const { token } = await login(a, '13600000001')
  const nameOn = async (base: string) => {
    const response = await fetch(`${base}/v1_0/user/profile`, { headers: authed(token) })
    return ((await response.json()) as { data: { name: string } }).data.name
  }
  const latencies: number[] = []
  let freshOnNextRead = 0
  const rounds = 20
  for (let round = 0; round < rounds; round++) {
    await nameOn(b) // warm B's cache with the current name
    const name = `r${round}_${Date.now() % 1000}` // names are 1–7 characters
    const response = await fetch(`${a}/v1_0/user/profile`, {
      method: 'PATCH',
      headers: authed(token),
      body: JSON.stringify({ name }),
    })
    if (!response.ok) throw new Error(`profile patch: ${response.status} ${await response.text()}`)
    const written = performance.now()
    if ((await nameOn(b)) === name) freshOnNextRead++
    else while ((await nameOn(b)) !== name) await sleep(2)
    latencies.push(performance.now() - written)
  }
  latencies.sort((x, y) => x - y)
  figures['busWriteOnASeenByB'] = {
    rounds,
    freshOnNextRead,
    msP50: round1(latencies[Math.floor(rounds / 2)] ?? 0),
    msMax: round1(latencies[rounds - 1] ?? 0),
    targetMs: 100,
  }
}

async function pushAcrossNodes(a: string, c: string, im: string) {
  const target = await login(a, '13600000002')
  const follower = await login(a, '13600000003')
  const listen = async (base: string) => {
    const socket = io(base, {
      query: { token: target.token },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve())
      socket.once('connect_error', reject)
    })
    const pushed = new Promise<number>((resolve) =>
      socket.once('following notify', () => resolve(performance.now())),
    )
    return { socket, pushed }
  }
  const onC = await listen(c)
  const onIm = await listen(im)
  await sleep(200) // room joins reach the Redis adapter
  const sent = performance.now()
  const response = await fetch(`${a}/v1_0/user/followings`, {
    method: 'POST',
    headers: authed(follower.token),
    body: `{"target":${target.userId}}`, // the id's exact digits
  })
  if (response.status !== 201) throw new Error(`follow: ${response.status}`)
  const timeout = sleep(5000).then(() => NaN)
  const [atC, atIm] = await Promise.all([
    Promise.race([onC.pushed, timeout]),
    Promise.race([onIm.pushed, timeout]),
  ])
  onC.socket.close()
  onIm.socket.close()
  figures['followOnAPushedTo'] = {
    socketOnC: { ms: round1(atC - sent) },
    socketOnIm: { ms: round1(atIm - sent) },
  }
}

async function jobRunsOnce() {
  await sleep(9000)
  const db = await createConnection(databaseUrl)
  const [rows] = (await db.query(
    `SELECT node, start_time FROM headline_job_run WHERE job = 'purge' AND cause = 'schedule' ORDER BY start_time`,
  )) as unknown as [{ node: string; start_time: Date }[]]
  await db.end()
  // Runs start within a moment of their due time: one per even second.
  const dueTimes = rows.map((row) => Math.floor(new Date(row.start_time).getTime() / 2000))
  figures['jobDueEvery2sOn2Processes'] = {
    runs: rows.length,
    distinctDueTimes: new Set(dueTimes).size,
    nodes: [...new Set(rows.map((row) => row.node))].length,
  }
}

async function coldKeyOnce(bases: string[]) {
  const [first, second] = await coldArticleIds(2)
  const burst = (path: string) =>
    Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        fetch(`${bases[i % bases.length]}${path}`).then(async (response) => {
          await response.arrayBuffer()
          return response.status
        }),
      ),
    )
  const once = async (articleId: string) => {
    const before = await articleLoads(bases, 'article_info')
    const beforeDetail = await articleLoads(bases, 'article_detail')
    const began = performance.now()
    const answers = await burst(`/v1_0/articles/${articleId}`)
    return {
      statuses: tally(answers),
      articleInfoLoads: (await articleLoads(bases, 'article_info')) - before,
      articleDetailLoads: (await articleLoads(bases, 'article_detail')) - beforeDetail,
      seconds: round1((performance.now() - began) / 1000),
    }
  }
  // 1,000 clients connecting at the same moment, then the same over connections already open
  // (as a proxy's or app's kept-alive ones are): the second shows the lease without the accepts.
  figures['coldKey1000ConcurrentOver3Nodes'] = {
    newConnections: await once(first as string),
    openConnections: await burst('/v1_0/channels').then(() => once(second as string)),
  }
}

async function articleLoads(bases: string[], entry: string): Promise<number> {
  let total = 0
  for (const base of bases) {
    const text = await (await fetch(`${base}/metrics`)).text()
    // One line per outcome (found, missing, error).
    for (const line of text.split('\n')) {
      if (line.startsWith(`headline_cache_load_seconds_count{entry="${entry}"`))
        total += Number(line.split(' ').pop())
    }
  }
  return total
}

// Approved articles picked at random: no step before this one reads articles by id.
async function coldArticleIds(count: number): Promise<string[]> {
  const db = await createConnection(databaseUrl)
  const [rows] = (await db.query(
    'SELECT article_id FROM news_article_basic WHERE status = 2 ORDER BY RAND() LIMIT ?',
    [count],
  )) as unknown as [{ article_id: number | string }[]]
  await db.end()
  return rows.map((row) => String(row.article_id))
}

async function killMidLoad(bases: string[], victim: HeadlineProcess) {
  const name = (base: string) => ['A', 'B', 'C'][bases.indexOf(base)] as string
  const served: Record<string, number> = {}
  const failures: string[] = []
  let retried = 0
  let running = true
  let next = 0
  const one = async () => {
    const first = next++
    for (let attempt = 0; attempt < bases.length; attempt++) {
      const base = bases[(first + attempt) % bases.length] as string
      try {
        const response = await fetch(`${base}/v1_0/channels`, { headers: { connection: 'close' } })
        await response.arrayBuffer()
        if (response.ok) served[base] = (served[base] ?? 0) + 1
        else failures.push(`${name(base)} ${response.status}`)
        return
      } catch {
        retried++
      }
    }
    failures.push('every node refused')
  }
  const loops = Array.from({ length: 8 }, async () => {
    while (running) await one()
  })
  await sleep(2000)
  const beforeKill = { ...served }
  victim.child.kill('SIGKILL')
  await sleep(3000)
  running = false
  await Promise.all(loops)
  const delta = (base: string) => (served[base] ?? 0) - (beforeKill[base] ?? 0)
  figures['apiCKilledMidLoad'] = {
    servedBeforeKill: Object.fromEntries(bases.map((base) => [name(base), beforeKill[base] ?? 0])),
    servedAfterKill: Object.fromEntries(bases.map((base) => [name(base), delta(base)])),
    connectionsRefusedThenRetried: retried,
    failedRequests: tally(failures),
  }
}

const tally = (values: (string | number)[]) => {
  const counts: Record<string, number> = {}
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1
  return counts
}

const round1 = (value: number) => Math.round(value * 10) / 10

await main()
