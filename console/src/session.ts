import { reactive } from 'vue'

/** A node of the login's `permission_tree` (menu points type 0, API points type 1). */
export interface PermissionNode {
  permission_id: number
  name: string
  type: number
  parent_id: number
  code: string
  sequence: number
  checked: number
  children?: PermissionNode[]
}

/** What a successful login answers (API.md MP/MIS 2.1). */
export interface LoginReply {
  token: string
  refresh_token: string
  administrator_id: number | string
  group_id: number | string
  name: string
  permission_tree: PermissionNode[]
}

interface Stored {
  token: string
  refreshToken: string
  name: string
  administratorId: string
  codes: string[]
  /** The whole permission tree (every point, `checked` for the administrator's group). */
  tree: PermissionNode[]
}

const KEY = 'headline.admin.session'

/** The signed-in administrator; kept in memory and in sessionStorage (never cookies: no CSRF). */
export const session = reactive<{ current: Stored | null }>({ current: load() })

function load(): Stored | null {
  try {
    const raw = sessionStorage.getItem(KEY)
    return raw ? (JSON.parse(raw) as Stored) : null
  } catch {
    return null
  }
}

function save(value: Stored | null): void {
  session.current = value
  if (value) sessionStorage.setItem(KEY, JSON.stringify(value))
  else sessionStorage.removeItem(KEY)
}

/** The API codes (type 1, checked) the administrator's group holds. */
export function grantedCodes(tree: PermissionNode[]): string[] {
  const codes: string[] = []
  const walk = (nodes: PermissionNode[]) => {
    for (const node of nodes) {
      if (node.type === 1 && Number(node.checked) === 1) codes.push(node.code)
      if (node.children) walk(node.children)
    }
  }
  walk(tree)
  return codes
}

/** Starts a session from a login reply. */
export function signIn(reply: LoginReply): void {
  save({
    token: reply.token,
    refreshToken: reply.refresh_token,
    name: reply.name,
    administratorId: String(reply.administrator_id),
    codes: grantedCodes(reply.permission_tree),
    tree: reply.permission_tree,
  })
}

/** Replaces the access token after a refresh. */
export function replaceToken(token: string): void {
  if (session.current) save({ ...session.current, token })
}

/** Ends the session. */
export function signOut(): void {
  save(null)
}

/** Whether the administrator holds the API permission `code`. */
export function can(code: string): boolean {
  return session.current?.codes.includes(code) ?? false
}
