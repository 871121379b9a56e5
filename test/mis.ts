import type { FastifyInstance } from 'fastify'
import type { TestApp } from './app.js'
import { ensureSuperAdministrator } from '../src/features/mis/system/bootstrap.js'
import { hashPassword } from '../src/features/mis/access/passwords.js'
import { bearer } from './login.js'

/** The password every test administrator gets. */
export const ADMIN_PASSWORD = 'secret123'

/** Logs an administrator in through the API; throws unless it answers 201. */
export async function adminLogin(app: FastifyInstance, account: string, password = ADMIN_PASSWORD) {
  const response = await app.inject({
    method: 'POST',
    url: '/mis/v1_0/authorizations',
    payload: { account, password },
  })
  if (response.statusCode !== 201)
    throw new Error(`admin login: ${response.statusCode} ${response.body}`)
  const data = response.json().data as { token: string; refresh_token: string }
  return { ...data, auth: bearer(data.token), body: response.body }
}

/** A super administrator (every permission), logged in. */
export async function superAdmin(t: TestApp, account = 'root') {
  const { id } = await ensureSuperAdministrator(t.deps, {
    account,
    password: ADMIN_PASSWORD,
    name: '超管',
  })
  return { id, ...(await adminLogin(t.app, account)) }
}

let groups = 0

/** An administrator whose own group holds exactly the API points `codes`, with a token. */
export async function adminWith(
  t: TestApp,
  codes: string[],
  options: { groupStatus?: number; account?: string } = {},
) {
  const db = t.deps.db.write
  const name = `g${++groups}_${Math.random().toString(36).slice(2, 8)}`
  await db
    .insertInto('mis_administrator_group')
    .values({ name, status: options.groupStatus ?? 1 })
    .execute()
  const group = await db
    .selectFrom('mis_administrator_group')
    .select('group_id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow()
  if (codes.length > 0) {
    const permissions = await db
      .selectFrom('mis_permission')
      .select('permission_id')
      .where('code', 'in', codes)
      .where('type', '=', 1)
      .execute()
    await db
      .insertInto('mis_group_permission')
      .values(
        permissions.map((p) => ({ group_id: group.group_id, permission_id: p.permission_id })),
      )
      .execute()
  }
  const account = options.account ?? `a${name.replace(/_/g, '')}`.slice(0, 16)
  await db
    .insertInto('mis_administrator')
    .values({
      account,
      password: await hashPassword(ADMIN_PASSWORD),
      name: account,
      group_id: group.group_id,
    })
    .execute()
  const admin = await db
    .selectFrom('mis_administrator')
    .select('administrator_id')
    .where('account', '=', account)
    .executeTakeFirstOrThrow()
  // Signed here rather than through the login route, which limits attempts per address.
  const id = BigInt(admin.administrator_id)
  const token = await t.deps.adminTokens.sign({ administratorId: id, refresh: false }, 3600)
  return { account, id, groupId: group.group_id, token, auth: bearer(token) }
}
