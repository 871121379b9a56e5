import { describe, expect, it, vi } from 'vitest'
import type { PoolConnection } from 'mysql2'
import type { KyselyMysqlPool } from './mysql-timeouts.js'
import { replicaPool } from './replica-pool.js'

/** A pool whose connections say which server they came from; `down` makes it refuse. */
function fakePool(name: string) {
  const state = { down: false }
  const pool: KyselyMysqlPool = {
    getConnection: (callback) =>
      setImmediate(() =>
        state.down
          ? callback(new Error(`connect ECONNREFUSED ${name}`), undefined as never)
          : callback(null, { name, release: () => undefined } as unknown as PoolConnection),
      ),
    end: (callback) => callback(null),
  }
  return { name, pool, state }
}

const serverOf = (pool: KyselyMysqlPool) =>
  new Promise<string>((resolve, reject) =>
    pool.getConnection((error, connection) =>
      error ? reject(error as Error) : resolve((connection as unknown as { name: string }).name),
    ),
  )

function setUp(readsFromPrimary = () => Promise.resolve(false)) {
  const primary = fakePool('primary')
  const replicas = [fakePool('r1'), fakePool('r2')]
  const changes: [string, string | null][] = []
  const pool = replicaPool({
    replicas,
    primary: primary.pool,
    readsFromPrimary,
    probeMs: 10,
    onChange: (name, error) =>
      changes.push([name, error === null ? null : (error as Error).message]),
  })
  return { pool, replicas, changes }
}

describe('replicaPool', () => {
  it('goes round-robin over the replicas', async () => {
    const { pool } = setUp()
    const servers = []
    for (let i = 0; i < 4; i++) servers.push(await serverOf(pool))
    expect(servers).toEqual(['r1', 'r2', 'r1', 'r2'])
  })

  it('sends a caller that must read the primary there', async () => {
    const { pool } = setUp(() => Promise.resolve(true))
    expect(await serverOf(pool)).toBe('primary')
  })

  it('takes a failing replica out at once, retries the read elsewhere, and probes it back', async () => {
    const { pool, replicas, changes } = setUp()
    replicas[0]!.state.down = true
    expect(await serverOf(pool)).toBe('r2')
    expect(pool.down()).toEqual(['r1'])
    expect([await serverOf(pool), await serverOf(pool)]).toEqual(['r2', 'r2'])

    replicas[1]!.state.down = true
    expect(await serverOf(pool)).toBe('primary')
    expect(pool.down()).toEqual(['r1', 'r2'])

    replicas[0]!.state.down = false
    replicas[1]!.state.down = false
    await vi.waitFor(() => expect(pool.down()).toEqual([]))
    expect(new Set([await serverOf(pool), await serverOf(pool)])).toEqual(new Set(['r1', 'r2']))
    expect(changes).toEqual([
      ['r1', 'connect ECONNREFUSED r1'],
      ['r2', 'connect ECONNREFUSED r2'],
      ['r1', null],
      ['r2', null],
    ])
    await new Promise<void>((resolve) => pool.end(() => resolve()))
  })
})
