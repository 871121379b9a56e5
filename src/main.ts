#!/usr/bin/env node
import { parseArgs } from 'node:util'
import closeWithGrace from 'close-with-grace'
import { pino, type Logger } from 'pino'
import { buildApp } from './app.js'
import { ConfigError, loadConfig, type Config } from './config.js'
import { createDeps } from './deps.js'
import { migrateToLatest } from './infra/db/migrate.js'
import { seedDemo } from './seed/demo.js'

const USAGE = `usage: headline <command>
  serve     start the HTTP server (embedded mode migrates and seeds itself)
  migrate   bring the database schema up to date
  seed      load the demo data into an empty database
            (--articles N writes N articles instead of 540, e.g. 100000 for benchmarks)`

async function main(command: string, articles: number | undefined): Promise<void> {
  const config = loadConfig()
  const log = pino({ level: config.logLevel })
  const deps = await createDeps(config, { log })
  const embedded = config.databaseUrl === undefined

  if (command === 'migrate' || command === 'seed' || (command === 'serve' && embedded)) {
    const applied = await migrateToLatest(deps.db.write)
    if (applied.length > 0) log.info({ applied }, 'migrations applied')
  }
  if (command === 'seed' || (command === 'serve' && embedded)) {
    if (await seedDemo(deps, { articles })) log.info('demo data loaded')
  }
  if (command !== 'serve') return deps.close()

  warnAboutDemoSettings(config, log)
  const app = await buildApp(deps)
  closeWithGrace({ delay: 10_000, logger: log }, async ({ err }) => {
    if (err) log.error({ err }, 'shutting down after an error')
    await app.close()
    await deps.close()
  })
  await app.listen({ host: config.host, port: config.port })
  log.info(`Headline API ready: ${config.publicUrl} (docs at ${config.publicUrl}docs)`)
}

function warnAboutDemoSettings(config: Config, log: Logger) {
  if (config.smsTestCode) {
    log.warn('SMS_TEST_CODE is set: every mobile can log in with it. Never set it in production.')
  }
  if (config.databaseUrl === undefined) {
    log.info({ dataDir: config.dataDir }, 'embedded mode: SQLite, in-process cache, local uploads')
  }
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { articles: { type: 'string' } },
})
const command = positionals[0] ?? 'serve'
const articles = values.articles === undefined ? undefined : Number(values.articles)
if (
  !['serve', 'migrate', 'seed'].includes(command) ||
  (articles !== undefined && !(Number.isInteger(articles) && articles > 0))
) {
  console.error(USAGE)
  process.exit(2)
}
main(command, articles).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error)
  process.exit(1)
})
