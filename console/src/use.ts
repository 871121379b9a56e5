import { ElMessage, ElMessageBox } from 'element-plus'
import { reactive, ref } from 'vue'
import { api, ApiError } from './api/http'
import type { Id } from './api/mis'

/** The text to show for a failed call: the API's own message when there is one. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message
  return error instanceof Error ? `网络错误：${error.message}` : '未知错误'
}

/** Runs an action and shows its success text or the API's error; answers whether it worked. */
export async function act(run: () => Promise<unknown>, success: string): Promise<boolean> {
  try {
    await run()
    ElMessage.success(success)
    return true
  } catch (error) {
    ElMessage.error(errorText(error))
    return false
  }
}

/** A server-paged list: `load(page, perPage)` answers one page and the total. */
export function usePaged<T>(
  load: (page: number, perPage: number) => Promise<{ rows: T[]; total: number }>,
) {
  const state = reactive({ page: 1, perPage: 20, total: 0, loading: false, error: '' })
  const rows = ref<T[]>([])
  async function reload(page = state.page): Promise<void> {
    state.page = page
    state.loading = true
    state.error = ''
    try {
      const result = await load(state.page, state.perPage)
      rows.value = result.rows
      state.total = result.total
    } catch (error) {
      state.error = errorText(error)
      rows.value = []
      state.total = 0
    } finally {
      state.loading = false
    }
  }
  return { state, rows, reload }
}

/** `YYYY-MM-DD HH:MM:SS` in local time, the format the list filters take. */
export function dateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${day(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
}

/** `YYYY-MM-DD` in local time. */
export function day(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/** An ISO time from the API shown as `YYYY-MM-DD HH:MM`. */
export function shortTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—'
  const date = new Date(typeof value === 'number' ? value * 1000 : value)
  return Number.isNaN(date.getTime()) ? String(value) : dateTime(date).slice(0, 16)
}

/** Asks the administrator to confirm; answers false when they cancel. */
export async function confirmed(
  message: string,
  title: string,
  confirmText = title,
): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, title, {
      confirmButtonText: confirmText,
      cancelButtonText: '取消',
      type: 'warning',
    })
    return true
  } catch {
    return false
  }
}

/** Deletes `/mis/v1_0<path>` once confirmed, reports the outcome and reloads the list on success. */
export async function removeConfirmed(
  path: string,
  what: string,
  reload: () => Promise<void>,
): Promise<void> {
  if (!(await confirmed(`确定删除${what}？`, '删除'))) return
  if (await act(() => api(path, { method: 'DELETE' }), `已删除${what}`)) await reload()
}

/** Creates (`POST base`) or, with an id, updates (`PUT base/id`); reports the outcome. */
export function saveTo(
  base: string,
  id: Id | null,
  body: unknown,
  success: string,
): Promise<boolean> {
  return act(
    () =>
      id === null
        ? api(base, { method: 'POST', body })
        : api(`${base}/${id}`, { method: 'PUT', body }),
    success,
  )
}

/** Asks for a reason (for 驳回); answers undefined when the administrator cancels. */
export async function askReason(
  message: string,
  title: string,
  initial = '',
): Promise<string | undefined> {
  try {
    const answer = await ElMessageBox.prompt(message, title, {
      confirmButtonText: title,
      cancelButtonText: '取消',
      inputValue: initial,
      inputPlaceholder: '例如：含有违规内容',
      inputValidator: (value) => (value && value.trim() ? true : '请填写原因'),
    })
    return answer.value.trim()
  } catch {
    return undefined
  }
}
