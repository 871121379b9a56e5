import { ref, type Ref } from 'vue'
import { api } from './api/http'
import type { Id } from './api/mis'
import { can } from './session'
import { removeConfirmed, saveTo, usePaged } from './use'

/**
 * A server-paged list of `path` (rows under `key` in the answer), sending `query()` with each
 * page: the filters as the API takes them.
 */
export function useApiList<Row>(path: string, key: string, query: () => Record<string, unknown>) {
  return usePaged<Row>(async (page, perPage) => {
    const data = await api<Record<string, unknown> & { total_count: number }>(path, {
      query: { page, per_page: perPage, ...query() },
    })
    return { rows: data[key] as Row[], total: data.total_count }
  })
}

/** What a list with an edit dialog needs to know of its API, rows and forms. */
export interface CrudSpec<Row, Form extends { id: Id | null }, Body> {
  /** The collection's path (`/groups`); one row is `<path>/<id>`. */
  path: string
  /** The key of the rows in a list answer. */
  key: string
  /** The filters sent with every page (the page's reactive object). */
  filters: Record<string, string | number | undefined>
  /** The API codes that allow adding, editing (all of them) and deleting. */
  codes: { add: string; edit: string | string[]; remove: string }
  id: (row: Row) => Id
  /** What the messages call a row, e.g. `角色「编辑」`. */
  rowName: (row: Row) => string
  /** The request body of a form, and what the saved message calls it. */
  body: (form: Form) => Body
  formName: (form: Form, body: Body) => string
}

/** A list with an edit dialog, as `useCrudList` gives it to its page and to `CrudFrame`. */
export interface CrudList<Row, Form> {
  state: ReturnType<typeof usePaged<Row>>['state']
  rows: ReturnType<typeof usePaged<Row>>['rows']
  reload: (page?: number) => Promise<void>
  filters: Record<string, string | number | undefined>
  /** What the administrator may do here. */
  may: { add: boolean; edit: boolean; remove: boolean }
  /** The open form (null: the dialog is closed). */
  editing: Ref<Form | null>
  save: () => Promise<void>
  remove: (row: Row) => Promise<void>
}

/**
 * A server-paged list whose rows are created and edited in a dialog and deleted once confirmed:
 * `editing` is the open form (null: closed), `save` creates or updates it, `remove` deletes a row.
 */
export function useCrudList<Row, Form extends { id: Id | null }, Body>(
  spec: CrudSpec<Row, Form, Body>,
): CrudList<Row, Form> {
  const editing = ref(null) as Ref<Form | null>
  const { state, rows, reload } = useApiList<Row>(spec.path, spec.key, () => spec.filters)
  const may = {
    add: can(spec.codes.add),
    edit: [spec.codes.edit].flat().every(can),
    remove: can(spec.codes.remove),
  }

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

  return { state, rows, reload, filters: spec.filters, may, editing, save, remove }
}
