import { reactive } from 'vue'

const BASE = '/admin'

/** The console's current path below /admin (e.g. `/review`). */
export const route = reactive({ path: current() })

function current(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '/'
  return path === '' ? '/' : path
}

window.addEventListener('popstate', () => {
  route.path = current()
})

/** Goes to a console path and records it in the browser history. */
export function navigate(path: string, replace = false): void {
  if (path === route.path) return
  if (replace) history.replaceState(null, '', BASE + path)
  else history.pushState(null, '', BASE + path)
  route.path = path
}
