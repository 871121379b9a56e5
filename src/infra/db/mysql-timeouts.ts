import type { PoolConnection, QueryValues } from 'mysql2'

/** What Kysely's MySQL dialect needs of a pool. */
export interface KyselyMysqlPool {
  getConnection(callback: (error: unknown, connection: PoolConnection) => void): void
  end(callback: (error: unknown) => void): void
}

/** Bounds on waiting for the database, in ms (0: no bound). */
export interface DatabaseTimeouts {
  /** Waiting for a pooled connection (a new one includes the TCP connect and handshake). */
  readonly acquireMs: number
  /** One query, from sending it to its last row. Schema changes are not bounded. */
  readonly queryMs: number
}

/** The code of the error a caller gets when no connection came within `acquireMs`. */
export const ACQUIRE_TIMEOUT_CODE = 'HEADLINE_DB_ACQUIRE_TIMEOUT'

const SCHEMA_CHANGE = /^\s*(create|alter|drop|rename|truncate)\s/i

/**
 * Wraps a mysql2 pool so that neither waiting for a connection nor a query can hang a request:
 * mysql2 waits for a pooled connection forever, and a query on a black-holed server never ends.
 * A timed-out query leaves its connection mid-protocol, so that connection is destroyed.
 */
export function boundedPool(pool: KyselyMysqlPool, timeouts: DatabaseTimeouts): KyselyMysqlPool {
  const wrapped = new WeakMap<PoolConnection, PoolConnection>()
  const wrap = (connection: PoolConnection) => {
    let bounded = wrapped.get(connection)
    if (!bounded) {
      bounded = boundedConnection(connection, timeouts.queryMs)
      wrapped.set(connection, bounded)
    }
    return bounded
  }
  return {
    getConnection(callback) {
      let settled = false
      const timer =
        timeouts.acquireMs > 0
          ? setTimeout(() => {
              settled = true
              const error = new Error('Timed out waiting for a database connection')
              callback(Object.assign(error, { code: ACQUIRE_TIMEOUT_CODE }), undefined as never)
            }, timeouts.acquireMs)
          : undefined
      pool.getConnection((error, connection) => {
        if (settled) {
          // The caller gave up: hand the late connection straight back.
          connection?.release()
          return
        }
        settled = true
        clearTimeout(timer)
        callback(error, error ? connection : wrap(connection))
      })
    },
    // A connection whose handshake timed out can stay listed in mysql2's pool, already closed;
    // ending the pool then reports it although every connection was told to quit.
    end: (callback) => pool.end((error) => callback(isClosedStateError(error) ? null : error)),
  }
}

function boundedConnection(connection: PoolConnection, queryMs: number): PoolConnection {
  type Callback = (error: unknown, result: unknown) => void
  const query = (...args: unknown[]) => {
    const [sql, values, callback] = args as [unknown, unknown, Callback | undefined]
    // Only Kysely's two forms are bounded: (sql, values, callback) and the stream (sql, values).
    const bounded = typeof sql === 'string' && Array.isArray(values) && args.length <= 3
    const timeout = queryMs > 0 && bounded && !SCHEMA_CHANGE.test(sql) ? queryMs : 0
    if (timeout === 0) return (connection.query as (...a: unknown[]) => unknown)(...args)
    const options = { sql: sql as string, values: values as QueryValues, timeout }
    if (!callback) return connection.query(options)
    return connection.query(options, (error: unknown, result: unknown) => {
      if ((error as { code?: unknown } | null)?.code === 'PROTOCOL_SEQUENCE_TIMEOUT') {
        connection.destroy()
      }
      callback(error, result)
    })
  }
  // Kysely uses query (callback and stream forms) and release; the rest is the connection's own,
  // called on the connection itself: a release through the proxy would put the proxy in mysql2's
  // free list, where a connection that dies idle is no longer found and removed.
  return new Proxy(connection, {
    get: (target, property): unknown => {
      if (property === 'query') return query
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

const isClosedStateError = (error: unknown) =>
  error instanceof Error &&
  error.message.startsWith("Can't add new command when connection is in closed state")
