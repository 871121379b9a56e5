import type { Deps } from '../deps.js'
import {
  COUNTERS,
  type CounterName,
  type CounterStore,
  type CounterWrite,
  type MissedIncrements,
} from '../infra/store/counters.js'
import {
  entityIds,
  existingIds,
  saveCheckpoints,
  SOURCES,
  type Entity,
  type ReadContext,
} from './counters.repo.js'
import type { Job, JobChanges } from './job.js'

type RepairDeps = Pick<Deps, 'db' | 'counters'>

/** Options of a repair run. */
export interface RepairOptions {
  /** Ids per batch (one store round trip per counter and batch). */
  batchSize?: number
  /** The most rows one SQL statement reads (a count over more is split into several). */
  rowsPerStatement?: number
  /** Called between batches; throws to stop the run (the lock was lost). */
  checkpoint?: () => void
}

/** Every counter of API.md §4. */
export const ALL_COUNTERS = Object.values(COUNTERS)

// The embedded driver answers synchronously: without this a run would hold the event loop (and
// the API in the same process) from its first statement to its last.
const letOthersRun = () => new Promise<void>((resolve) => setImmediate(resolve))

const ROWS_PER_STATEMENT = 2_000

/** Key of the changes map under which a counter's saved read checkpoints are counted. */
const checkpointKey = (name: CounterName) => `${name} (read checkpoints saved)`

/**
 * Puts counters right from SQL in batches of ids (keyset over the entity's primary key, range
 * queries on indexed columns), writing only the values that differ, each as a compare-and-set so
 * an increment landing meanwhile is never overwritten. Members whose entity is gone are removed.
 * Returns how many values changed per counter.
 */
export async function repairCounters(
  deps: RepairDeps,
  names: readonly CounterName[] = ALL_COUNTERS,
  options: RepairOptions = {},
): Promise<JobChanges> {
  const { batchSize = 250, checkpoint = () => undefined } = options
  const store = deps.counters.raw
  const context = readContext(deps, options)
  const changes: JobChanges = Object.fromEntries(names.map((name) => [name, 0]))
  const entities = new Set(names.map((name) => SOURCES[name].entity))
  for (const entity of entities) {
    const mine = names.filter((name) => SOURCES[name].entity === entity)
    let after: bigint | undefined
    for (;;) {
      checkpoint()
      const ids = await entityIds(deps.db.write, entity, after, batchSize)
      if (ids.length === 0) break
      for (const name of mine) {
        const { written, saved } = await repairBatch(context, store, name, ids)
        changes[name] = (changes[name] ?? 0) + written
        if (saved > 0) changes[checkpointKey(name)] = (changes[checkpointKey(name)] ?? 0) + saved
      }
      after = ids.at(-1)
    }
    for (const name of mine) {
      changes[name] = (changes[name] ?? 0) + (await removeOrphans(deps, store, name, entity))
    }
  }
  return changes
}

const readContext = (deps: RepairDeps, options: RepairOptions = {}): ReadContext => ({
  db: deps.db.write,
  rows: options.rowsPerStatement ?? ROWS_PER_STATEMENT,
  pause: letOthersRun,
})

async function repairBatch(
  context: ReadContext,
  store: CounterStore,
  name: CounterName,
  ids: readonly bigint[],
) {
  const source = SOURCES[name]
  // Stored counts first: an increment landing while the truth is read fails the compare-and-set.
  await letOthersRun()
  const current = await store.getMany(name, ids)
  const truth = await source.read(context, ids[0]!, ids.at(-1)!)
  const writes: CounterWrite[] = []
  const checkpoints = new Map<bigint, number>()
  for (const [i, id] of ids.entries()) {
    const stored = current[i]!
    const known = truth.get(id) ?? 0
    if (source.kind === 'checkpoint' && stored > known) checkpoints.set(id, stored)
    else if (stored !== known) writes.push({ id, expected: stored, value: known })
  }
  await letOthersRun()
  await saveCheckpoints(context.db, name, checkpoints)
  return { written: await store.setMany(name, writes), saved: checkpoints.size }
}

// Members left behind by deleted rows (or written by hand) count nothing.
async function removeOrphans(
  deps: RepairDeps,
  store: CounterStore,
  name: CounterName,
  entity: Entity,
): Promise<number> {
  let written = 0
  let cursor: string | undefined
  do {
    await letOthersRun()
    const page = await store.scan(name, cursor, 1000)
    const ids = page.entries.map(([id]) => id).filter((id) => id > 0n)
    const existing = await existingIds(deps.db.write, entity, ids)
    const writes = page.entries
      .filter(([id, n]) => id > 0n && n !== 0 && !existing.has(id))
      .map(([id, n]) => ({ id, expected: n, value: 0 }))
    written += await store.setMany(name, writes)
    cursor = page.next ?? undefined
  } while (cursor !== undefined)
  return written
}

/**
 * Repairs what increments dropped during a store outage left wrong: counters with a source in SQL
 * are recomputed for the ids touched; read counts (no source) get the dropped increments back.
 */
export async function repairMissed(
  deps: RepairDeps,
  missed: MissedIncrements,
): Promise<JobChanges> {
  const store = deps.counters.raw
  const context = readContext(deps)
  const changes: JobChanges = {}
  for (const [name, deltas] of missed) {
    const source = SOURCES[name]
    let written = 0
    for (const [id, delta] of deltas) {
      if (source.kind === 'checkpoint') {
        if (delta !== 0) await store.incr(name, id, delta)
        written += delta === 0 ? 0 : 1
        continue
      }
      const stored = await store.get(name, id)
      const known = (await source.read(context, id, id)).get(id) ?? 0
      if (stored !== known) {
        written += await store.setMany(name, [{ id, expected: stored, value: known }])
      }
    }
    changes[name] = written
  }
  return changes
}

/** The nightly job: every counter of API.md §4 checked against SQL. */
export const counterRepairJob: Job = {
  name: 'counter-repair',
  description: 'puts every count:* counter right from SQL, in batches, writing only differences',
  run: (deps, context) =>
    repairCounters(deps, ALL_COUNTERS, {
      batchSize: deps.config.jobs.batchSize,
      checkpoint: () => context.checkpoint(),
    }),
}
