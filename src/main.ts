#!/usr/bin/env node
import cluster from 'node:cluster'
import { parseArgs } from 'node:util'
import closeWithGrace from 'close-with-grace'
import { pino, type Logger } from 'pino'
import { buildApp } from './app.js'
import { jobsCommand, JOBS_USAGE, validJobsArgs } from './cli/jobs.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { createDeps } from './deps.js'
import { migrateToLatest } from './infra/db/migrate.js'
import { startJobs } from './jobs/index.js'
import { buildImApp } from './realtime/im-app.js'
import { startRealtime } from './realtime/socket-server.js'
import { serveReco } from './reco/reco-command.js'
import { reindex } from './features/search/search.indexing.js'
import { seedDemo } from './seed/demo.js'
import { USER_USAGE, userCommand } from './cli/user.js'
import { adminCommand } from './cli/admin.js'
import { purgeExpiredState } from './infra/store/purge.js'
import { runPrimary } from './cluster/primary.js'
import { connectionDrain } from './http/drain.js'

const USAGE = `usage: headline <command>
  serve     start the HTTP API and its Socket.IO server (embedded mode migrates and seeds itself)
            (--workers N|auto forks N HTTP workers on one port; SIGHUP reloads them one by one)
  im        start only the Socket.IO server (chat, notifications; with REDIS_URL, API nodes reach it)
  reco      start only the gRPC recommender (UserRecommend, health) on RECO_PORT
  migrate   bring the database schema up to date
  seed      load the demo data into an empty database
            (--articles N writes N articles instead of 540, e.g. 100000 for benchmarks)
  reindex   rebuild the Elasticsearch / OpenSearch indexes (SEARCH_URL) from the database
${USER_USAGE}
  admin     admin create --account <a> --password <p> [--name <n>]: a super administrator
${JOBS_USAGE}`

async function main(
  command: string,
  args: string[],
  options: { articles: number | undefined; workers: string | undefined },
): Promise<void> {
  const { articles, workers } = options
  const config = loadConfig(
    workers === undefined ? process.env : { ...process.env, WORKERS: workers },
  )
  const log = pino({ level: config.logLevel })
  const primary = command === 'serve' && config.workers > 1 && cluster.isPrimary
  // The primary mints no ids; each worker (or a lone `serve`) leases its own.
  const deps = await createDeps(config, { log, leaseWorkerId: command === 'serve' && !primary })
  const embedded = config.databaseUrl === undefined
  // Workers find the schema and demo data their primary prepared.
  const setUp = cluster.isPrimary

  if (
    command === 'migrate' ||
    command === 'seed' ||
    (embedded && setUp && ['serve', 'jobs'].includes(command))
  ) {
    const applied = await migrateToLatest(deps.db.write)
    if (applied.length > 0) log.info({ applied }, 'migrations applied')
  }
  if (command === 'seed' || (command === 'serve' && embedded && setUp)) {
    if (await seedDemo(deps, { articles })) log.info('demo data loaded')
  }
  if (command === 'serve' && !config.redisUrl)
    log.info(await purgeExpiredState(deps.db.write), 'expired rows of the embedded stores purged')
  if (primary) {
    await deps.close()
    return runPrimary({ workers: config.workers, log })
  }
  // The primary's signal: a worker ignores a hang-up sent to the whole process group.
  if (cluster.isWorker) process.on('SIGHUP', () => undefined)
  if (command === 'reco') return serveReco(deps, log)
  if (command === 'user')
    return void (process.exitCode = await userCommand(deps, args).finally(() => deps.close()))
  if (command === 'jobs') {
    const code = await jobsCommand(deps, args)
    if (code !== undefined) process.exitCode = code
    return
  }
  if (command === 'reindex') {
    await reindex(deps)
    return deps.close()
  }
  if (command !== 'serve' && command !== 'im') return deps.close()

  warnAboutDemoSettings(config, log)
  const app = command === 'im' ? await buildImApp(deps) : await buildApp(deps)
  // The embedded index builds in the background (searches answer 503 until it is ready).
  if (command === 'serve') deps.search.start()
  const attach = command === 'im' || config.realtimeAttach
  const realtime = await startRealtime(deps, attach ? app.server : undefined)
  const jobs = command === 'serve' ? startJobs(deps, { schedule: config.jobs.inServe }) : undefined
  const drain = command === 'serve' ? connectionDrain(app) : undefined
  closeWithGrace({ delay: 10_000, logger: log }, async ({ err }) => {
    if (err) log.error({ err }, 'shutting down after an error')
    else await drain?.(DRAIN_GRACE_MS)
    await jobs?.stop()
    await realtime.close()
    await app.close()
    await deps.close()
  })
  await app.listen({ host: config.host, port: config.port })
  if (command === 'im') log.info(`Headline IM ready: socket.io on port ${config.port}`)
  else log.info(`Headline API ready: ${config.publicUrl} (docs at ${config.publicUrl}docs)`)
}

// Long enough for busy keep-alive clients to send one more request and be told to reconnect.
const DRAIN_GRACE_MS = 1000

function warnAboutDemoSettings(config: Config, log: Logger) {
  if (config.smsTestCode) {
    log.warn('SMS_TEST_CODE is set: every mobile can log in with it. Never set it in production.')
  }
  if (config.databaseUrl === undefined) {
    log.info({ dataDir: config.dataDir }, 'embedded mode: SQLite, in-process cache, local uploads')
  }
}

if (process.argv[2] === 'admin') process.exit(await adminCommand(process.argv.slice(3)))
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { articles: { type: 'string' }, workers: { type: 'string' } },
})
const command = positionals[0] ?? 'serve'
const articles = values.articles === undefined ? undefined : Number(values.articles)
if (
  !['serve', 'im', 'reco', 'migrate', 'seed', 'reindex', 'user', 'jobs'].includes(command) ||
  (command === 'jobs' && !validJobsArgs(positionals.slice(1))) ||
  (articles !== undefined && !(Number.isInteger(articles) && articles > 0)) ||
  (values.workers !== undefined && command !== 'serve')
) {
  console.error(USAGE)
  process.exit(2)
}
main(command, positionals.slice(1), { articles, workers: values.workers }).catch(
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error)
    process.exit(1)
  },
)
