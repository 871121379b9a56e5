import { sql, type Kysely } from 'kysely'
import type { Database } from '../schema.js'

/** A node of the original's permission tree: menus (type 0) and the API codes under them (type 1). */
interface SeedPermission {
  id?: number
  name: string
  code?: string
  type?: 0 | 1
  sequence?: number
  parent_id?: number
}

const menu = (id: number, name: string, sequence: number, code?: string, parent_id = 0) => ({
  id,
  name,
  type: 0 as const,
  sequence,
  parent_id,
  ...(code === undefined ? {} : { code }),
})
const api = (parent_id: number, name: string, code: string) => ({ name, code, parent_id })

/** The original's seed tree (20 menus and the API codes every admin route checks). */
const SEED_PERMISSIONS: readonly SeedPermission[] = [
  menu(1, '首页', 1, '/home'),
  menu(2, '用户管理', 2),
  menu(3, '信息管理', 3),
  menu(4, '数据统计', 4),
  menu(5, '系统管理', 5),
  menu(6, '推荐系统', 6),
  menu(7, '用户列表', 1, '/home/user', 2),
  menu(8, '用户审核', 2, '/home/userAudit', 2),
  menu(9, '频道管理', 1, '/home/channels', 3),
  menu(10, '内容管理', 2, '/home/contents', 3),
  menu(11, '内容审核', 3, '/home/contentAudit', 3),
  menu(12, '网站统计', 1, '/home/websiteStatistics', 4),
  menu(13, '内容统计', 2, '/home/contentStatistics', 4),
  menu(14, '管理员管理', 1, '/home/admins', 5),
  menu(15, '角色管理', 2, '/home/role', 5),
  menu(16, '权限管理', 3, '/home/power', 5),
  menu(17, '运营日志', 4, '/home/operationLog', 5),
  menu(18, '个人信息', 5, '/home/perInfo', 5),
  menu(19, '修改密码', 6, '/home/reSetPWD', 5),
  menu(20, '敏感词设置', 1, '/home/sensitiveSet', 6),
  api(7, '用户列表查询', 'userlist-get'),
  api(7, '用户新增', 'userlist-post'),
  api(7, '用户编辑', 'userlist-put'),
  api(7, '用户详情查询', 'user-get'),
  api(8, '用户认证记录查询', 'legalize-list-get'),
  api(8, '用户认证审核', 'legalize-list-put'),
  api(8, '用户认证记录详细查询', 'legalize-get'),
  api(8, '用户证件照查看', 'legalize-id-card-get'),
  api(14, 'MIS用户列表查询', 'administrator-list-get'),
  api(14, 'MIS用户删除', 'administrator-delete'),
  api(14, 'MIS用户批量编辑', 'administrator-list-post'),
  api(14, 'MIS用户详情查询', 'administrator-get'),
  api(14, 'MIS用户编辑', 'administrator-put'),
  api(14, 'MIS用户批量删除', 'administrator-list-delete'),
  api(15, '角色列表查询', 'group-list-get'),
  api(15, '角色编辑', 'group-put'),
  api(15, '角色新建', 'group-list-post'),
  api(15, '角色删除', 'group-delete'),
  api(15, '角色详情查询', 'group-get'),
  api(17, '运营日志查询', 'operationlog-get'),
  api(16, '权限列表查询', 'permission-list-get'),
  api(16, '权限详情查询', 'permission-get'),
  api(16, '权限新建', 'permission-list-post'),
  api(16, '权限删除', 'permission-delete'),
  api(16, '权限修改', 'permission-put'),
  api(20, '敏感词列表查询', 'sensitive-word-list-get'),
  api(20, '敏感词新建', 'sensitive-word-list-post'),
  api(20, '敏感词查询', 'sensitive-word-get'),
  api(20, '敏感词修改', 'sensitive-word-put'),
  api(20, '敏感词删除', 'sensitive-word-delete'),
  api(12, '基本统计查询', 'statistics-basic-get'),
  api(12, '搜索统计查询', 'statistics-search-get'),
  api(12, '搜索统计总数查询', 'statistics-search-total-get'),
  api(12, '销售额统计查询', 'statistics-sales-total-get'),
  api(12, '阅读来源统计查询', 'statistics-read-source-total-get'),
  api(10, '文章列表查询', 'article-list-get'),
  api(11, '文章设置', 'article-list-put'),
  api(10, '文章详情查询', 'article-get'),
  api(9, '频道列表查询', 'channel-list-get'),
  api(9, '频道新建', 'channel-list-post'),
  api(9, '频道修改', 'channel-list-put'),
  api(9, '频道删除', 'channel-list-delete'),
]

const SUPER_GROUP = '超级管理员'

/**
 * Seeds the permission tree and the super-administrator group that holds all of it. A deployment
 * that already has a tree keeps it and only gains the API codes it lacks.
 */
export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<Database>
  const existing = await db.selectFrom('mis_permission').select(['permission_id', 'code']).execute()
  const byCode = new Map(existing.map((row) => [row.code as string | null, row.permission_id]))
  const rows = existing.length === 0 ? SEED_PERMISSIONS : missingApiCodes(byCode)
  for (const row of rows) {
    const parent = existing.length === 0 ? row.parent_id : menuIdOf(byCode, row.parent_id)
    await db
      .insertInto('mis_permission')
      .values({
        // The menus keep the original's ids, which the API points' parent_id refer to.
        ...(existing.length === 0 && row.id ? ({ permission_id: row.id } as never) : {}),
        name: row.name,
        code: row.code ?? null,
        type: row.type ?? 1,
        sequence: row.sequence ?? 0,
        parent_id: String(parent ?? 0),
      })
      .execute()
  }
  let group = await db
    .selectFrom('mis_administrator_group')
    .select('group_id')
    .where('name', '=', SUPER_GROUP)
    .executeTakeFirst()
  if (!group) {
    await db
      .insertInto('mis_administrator_group')
      .values({ name: SUPER_GROUP, status: 1 })
      .execute()
    group = await db
      .selectFrom('mis_administrator_group')
      .select('group_id')
      .where('name', '=', SUPER_GROUP)
      .executeTakeFirstOrThrow()
  }
  await sql`INSERT INTO mis_group_permission (group_id, permission_id)
    SELECT ${group.group_id}, p.permission_id FROM mis_permission p
    WHERE NOT EXISTS (SELECT 1 FROM mis_group_permission g
      WHERE g.group_id = ${group.group_id} AND g.permission_id = p.permission_id)`.execute(db)
}

function missingApiCodes(byCode: Map<string | null, bigint | string>) {
  return SEED_PERMISSIONS.filter((p) => p.type === undefined && p.code && !byCode.has(p.code))
}

// In an adopted tree the menus have their own ids: find the seed parent's menu by its route code.
function menuIdOf(byCode: Map<string | null, bigint | string>, seedParent: number | undefined) {
  const code = SEED_PERMISSIONS.find((p) => p.id === seedParent)?.code
  return code ? byCode.get(code) : undefined
}

export async function down(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<Database>
  await db.deleteFrom('mis_group_permission').execute()
  await db.deleteFrom('mis_permission').execute()
  await db.deleteFrom('mis_administrator_group').execute()
}
