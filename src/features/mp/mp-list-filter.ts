import { AppError } from '../../errors.js'
import type { AuthorArticleFilter } from './mp-articles.repo.js'

/** The list's query parameters as they arrive (repeatable ones as arrays). */
export interface ListQuery {
  status?: string[]
  channel_id?: string[]
  begin_pubdate?: string
  end_pubdate?: string
}

// Empty values are "not given", as the PC client sends them for "all".
const given = (values: string[] | undefined) => (values ?? []).filter((v) => v.trim() !== '')

/**
 * Reads the filter of `GET /articles`: `status` 0..4 (4, deleted, is accepted because the PC
 * client asks for it; the original refused it), `channel_id`, and creation dates `YYYY-MM-DD`.
 */
export function readListFilter(authorId: bigint, query: ListQuery): AuthorArticleFilter {
  const statuses = given(query.status).map((text) => {
    const status = /^\s*[0-4]\s*$/.test(text) ? Number(text) : NaN
    if (Number.isNaN(status)) throw new AppError(400, { status: 'Invalid status param.' })
    return status
  })
  const channelIds = given(query.channel_id).map((text) => {
    const id = /^\s*\d{1,9}\s*$/.test(text) ? Number(text) : NaN
    if (Number.isNaN(id)) throw new AppError(400, { channel_id: 'Invalid channel id param.' })
    return id
  })
  const from = readDate('begin_pubdate', query.begin_pubdate)
  const to = readDate('end_pubdate', query.end_pubdate)
  if (from && to && from > to) throw new AppError(400, 'Invalid pubdate param.')
  return {
    authorId,
    statuses,
    channelIds,
    from: from && `${from} 00:00:00`,
    to: to && `${to} 23:59:59`,
  }
}

function readDate(name: string, text: string | undefined): string | null {
  if (text === undefined || text.trim() === '') return null
  const value = text.trim()
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : null
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    throw new AppError(400, { [name]: `${value} does not match format '%Y-%m-%d'` })
  return value
}
