import { Migrator, type Kysely, type Migration } from 'kysely'
import type { Database } from './schema.js'
import * as initial from './migrations/0001-initial.js'
import * as sortedSets from './migrations/0002-sorted-sets.js'
import * as expiringState from './migrations/0020-expiring-state.js'
import * as statRollups from './migrations/0040-stat-rollups.js'
import * as jobRuns from './migrations/0041-job-runs.js'
import * as jobIndexes from './migrations/0042-job-indexes.js'
import * as countIndexes from './migrations/0043-count-indexes.js'
import * as mediaPlatform from './migrations/0050-media-platform.js'
import * as mis from './migrations/0060-mis.js'
import * as misPermissions from './migrations/0061-mis-permissions.js'
import * as legalizes from './migrations/0062-legalizes.js'

const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-sorted-sets': sortedSets,
  '0020-expiring-state': expiringState,
  '0040-stat-rollups': statRollups,
  '0041-job-runs': jobRuns,
  '0042-job-indexes': jobIndexes,
  '0043-count-indexes': countIndexes,
  '0050-media-platform': mediaPlatform,
  '0060-mis': mis,
  '0061-mis-permissions': misPermissions,
  '0062-legalizes': legalizes,
}

/** Brings the schema to the latest version; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db: db as unknown as Kysely<unknown>,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'headline_migration',
    migrationLockTableName: 'headline_migration_lock',
    // Parts of the schema land independently; a later-numbered one may already be applied.
    allowUnorderedMigrations: true,
  })
  const { error, results } = await migrator.migrateToLatest()
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- Kysely types it as unknown
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
