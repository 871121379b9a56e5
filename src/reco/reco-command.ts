import closeWithGrace from 'close-with-grace'
import type { Logger } from 'pino'
import type { Deps } from '../deps.js'
import { migrateToLatest } from '../infra/db/migrate.js'
import { scoredStrategy } from './scored-strategy.js'
import { startRecoServer } from './server.js'

/**
 * `headline reco`: the recommendation strategy alone, as the gRPC `UserRecommend` service on
 * RECO_PORT. It shares the database and Redis with the API (shown articles, feedback signals).
 * SIGINT/SIGTERM: health turns NOT_SERVING, calls in flight finish (up to 5 s), then it stops.
 */
export async function serveReco(deps: Deps, log: Logger): Promise<void> {
  const { config } = deps
  // An embedded reco may start before the API: make sure the tables exist.
  if (config.databaseUrl === undefined) await migrateToLatest(deps.db.write)
  const server = await startRecoServer(scoredStrategy(deps), {
    host: config.host,
    port: config.recoPort,
    log,
  })
  closeWithGrace({ delay: 10_000, logger: log }, async ({ err }) => {
    if (err) log.error({ err }, 'shutting down after an error')
    await server.close(5_000)
    await deps.close()
  })
  log.info(`Headline recommender ready: gRPC UserRecommend on ${config.host}:${server.port}`)
}
