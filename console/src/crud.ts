import { ref, type Ref } from 'vue'
import { api } from './api/http'
import type { Id } from './api/mis'
import { removeConfirmed, saveTo, usePaged } from './use'

/** What a list with an edit dialog needs to know of its API, rows and forms. */
export interface CrudSpec<Row, Form extends { id: Id | null }, Body> {
  /** The collection's path (`/groups`); one row is `<path>/<id>`. */
  path: string
  /** The key of the rows in a list answer. */
  key: string
  /** The filters sent with every page (the page's reactive object). */
  filters: Record<string, string | number | undefined>
  id: (row: Row) => Id
  /** What the messages call a row, e.g. `角色「编辑」`. */
  rowName: (row: Row) => string
  /** The request body of a form, and what the saved message calls it. */
  body: (form: Form) => Body
  formName: (form: Form, body: Body) => string
}

/**
 * A server-paged list whose rows are created and edited in a dialog and deleted once confirmed:
 * `editing` is the open form (null: closed), `save` creates or updates it, `remove` deletes a row.
 */
export function useCrudList<Row, Form extends { id: Id | null }, Body>(
  spec: CrudSpec<Row, Form, Body>,
) {
  const editing = ref(null) as Ref<Form | null>
  const { state, rows, reload } = usePaged<Row>(async (page, perPage) => {
    const data = await api<Record<string, unknown> & { total_count: number }>(spec.path, {
      query: { page, per_page: perPage, ...spec.filters },
    })
    return { rows: data[spec.key] as Row[], total: data.total_count }
  })

  async function save(): Promise<void> {
    const form = editing.value
    if (!form) return
    const body = spec.body(form)
    if (await saveTo(spec.path, form.id, body, `已保存${spec.formName(form, body)}`)) {
      editing.value = null
      await reload()
    }
  }

  function remove(row: Row): Promise<void> {
    return removeConfirmed(`${spec.path}/${spec.id(row)}`, spec.rowName(row), reload)
  }

  return { state, rows, reload, editing, save, remove }
}
