import { ElMessage } from 'element-plus'
import { reactive, ref } from 'vue'
import { ApiError } from './api/http'

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
