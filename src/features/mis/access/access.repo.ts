import type { Kysely } from 'kysely'
import type { Database } from '../../../infra/db/schema.js'
import { toId, toInt } from '../../../infra/db/values.js'

/** What the permission check needs about one administrator, in one query. */
export interface Access {
  status: number
  /** null when the administrator's group no longer exists. */
  groupStatus: number | null
  allowed: boolean
}

/** The administrator's status, their group's status, and whether the group holds API `code`. */
export async function accessOf(
  db: Kysely<Database>,
  administratorId: bigint,
  code: string,
): Promise<Access | undefined> {
  const row = await db
    .selectFrom('mis_administrator as a')
    .leftJoin('mis_administrator_group as g', 'g.group_id', 'a.group_id')
    .select((eb) => [
      'a.status',
      'g.status as group_status',
      eb
        .exists(
          eb
            .selectFrom('mis_group_permission as gp')
            .innerJoin('mis_permission as p', 'p.permission_id', 'gp.permission_id')
            .select('gp.permission_id')
            .whereRef('gp.group_id', '=', 'a.group_id')
            .where('p.type', '=', 1)
            .where('p.code', '=', code),
        )
        .as('allowed'),
    ])
    .where('a.administrator_id', '=', administratorId.toString() as never)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    status: toInt(row.status),
    groupStatus: row.group_status === null ? null : toInt(row.group_status),
    allowed: toInt(row.allowed as number) === 1,
  }
}

/** An administrator as the login and token routes need it. */
export interface AdminLogin {
  id: bigint
  account: string
  password: string
  name: string
  groupId: bigint
  status: number
}

// What a login needs of an administrator.
const logins = (db: Kysely<Database>) =>
  db
    .selectFrom('mis_administrator')
    .select(['administrator_id', 'account', 'password', 'name', 'group_id', 'status'])

/** The administrator with this account, password hash included. */
export async function findAdminByAccount(
  db: Kysely<Database>,
  account: string,
): Promise<AdminLogin | undefined> {
  const row = await logins(db).where('account', '=', account).executeTakeFirst()
  return row && toAdminLogin(row)
}

/** The administrator with this id, password hash included. */
export async function findAdminById(
  db: Kysely<Database>,
  id: bigint,
): Promise<AdminLogin | undefined> {
  const row = await logins(db)
    .where('administrator_id', '=', id.toString() as never)
    .executeTakeFirst()
  return row && toAdminLogin(row)
}

function toAdminLogin(row: {
  administrator_id: bigint | string
  account: string
  password: string
  name: string
  group_id: bigint | string
  status: number | bigint
}): AdminLogin {
  return {
    id: toId(row.administrator_id),
    account: row.account,
    password: row.password,
    name: row.name,
    groupId: toId(row.group_id),
    status: toInt(row.status),
  }
}
