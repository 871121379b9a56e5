import { MysqlAdapter, type Kysely } from 'kysely'

/** True when the instance talks to MySQL/MariaDB (the only other dialect is SQLite). */
export function isMysql(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof MysqlAdapter
}
