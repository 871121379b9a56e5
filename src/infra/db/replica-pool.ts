import type { KyselyMysqlPool } from './mysql-timeouts.js'

/** One read replica: a name for logs and readiness (`host:port`) and its pool. */
export interface Replica {
  readonly name: string
  readonly pool: KyselyMysqlPool
}

/** A pool over read replicas that routes around the ones that fail. */
export interface ReplicaPool extends KyselyMysqlPool {
  /** Names of the replicas out of rotation now (their reads go elsewhere). */
  readonly down: () => string[]
}

export interface ReplicaPoolOptions {
  readonly replicas: readonly Replica[]
  /** Where reads go when the caller must read the primary or no replica is up. Not ended here. */
  readonly primary: KyselyMysqlPool
  /** True while the current caller must read the primary (it wrote moments ago). */
  readonly readsFromPrimary: () => Promise<boolean>
  /** How often a replica out of rotation is tried again, ms. */
  readonly probeMs: number
  /** Told when a replica leaves the rotation (with the error) or rejoins it (null). */
  readonly onChange?: (name: string, error: unknown) => void
}

/**
 * Round-robin over the replicas that are up. A replica that fails to hand out a connection leaves
 * the rotation at once (that read is retried on the next replica, then on the primary) and is
 * tried again every `probeMs` until it answers. Lag is not measured here: own reads after a write
 * go to the primary (`readsFromPrimary`), other readers may see a lagging replica's rows.
 */
export function replicaPool(options: ReplicaPoolOptions): ReplicaPool {
  const { replicas, primary } = options
  const up = replicas.map(() => true)
  let next = 0
  let probe: NodeJS.Timeout | undefined

  const pick = () => {
    for (let tried = 0; tried < replicas.length; tried++) {
      const i = next++ % replicas.length
      if (up[i]) return i
    }
    return undefined
  }
  const leave = (i: number, error: unknown) => {
    if (!up[i]) return
    up[i] = false
    options.onChange?.(replicas[i]!.name, error)
    probe ??= setInterval(probeDown, options.probeMs).unref()
  }
  const rejoin = (i: number) => {
    if (up[i]) return
    up[i] = true
    options.onChange?.(replicas[i]!.name, null)
    if (up.every(Boolean)) {
      clearInterval(probe)
      probe = undefined
    }
  }
  const probeDown = () => {
    replicas.forEach((replica, i) => {
      if (up[i]) return
      replica.pool.getConnection((error, connection) => {
        if (error) return
        connection.release()
        rejoin(i)
      })
    })
  }
  const acquire: KyselyMysqlPool['getConnection'] = (callback) => {
    const i = pick()
    if (i === undefined) return primary.getConnection(callback)
    replicas[i]!.pool.getConnection((error, connection) => {
      if (!error) return callback(null, connection)
      leave(i, error)
      acquire(callback)
    })
  }

  return {
    getConnection(callback) {
      options.readsFromPrimary().then(
        (own) => (own ? primary.getConnection(callback) : acquire(callback)),
        () => acquire(callback),
      )
    },
    end(callback) {
      clearInterval(probe)
      Promise.all(
        replicas.map(
          (replica) =>
            new Promise<void>((resolve, reject) =>
              replica.pool.end((error) => (error ? reject(error as Error) : resolve())),
            ),
        ),
      ).then(() => callback(null), callback)
    },
    down: () => replicas.filter((_, i) => !up[i]).map((replica) => replica.name),
  }
}
