import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import {
  dailySums,
  firstDay,
  hourlySums,
  keywordCounts,
  keywordTotal,
  sumOf,
  userTotal,
  type Measure,
} from './statistics.repo.js'

/** The original's statistics types, and the rollup measure behind each (null: no source). */
export const STATISTICS_TYPES: Record<string, Measure | null> = {
  day_activate: 'active_users',
  access: null,
  access_ip: null,
  new_user: 'new_users',
  search_user: null,
  search: 'searches',
  article: 'new_articles',
  article_approved: 'approved_articles',
  comment: 'new_comments',
  read: 'article_reads',
  forward: null,
}

type Db = Pick<Deps, 'db'>
const DAY_MS = 86_400_000
const RANGE_ERROR = '(begin or end) parameter error.'

/** `YYYY-MM-DD` of `date` in the time zone the rollups are kept in. */
export function localDay(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date)
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)
const daysFrom = (from: string, to: string) =>
  Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS)
const percent = (now: number, before: number) =>
  Math.round(((now - before) / (before || 1)) * 10000) / 100

function checkedRange(begin: string | undefined, end: string | undefined, maxDays: number) {
  if (!begin || !end || Number.isNaN(Date.parse(begin)) || Number.isNaN(Date.parse(end)))
    throw new AppError(403, RANGE_ERROR)
  const days = daysFrom(begin, end)
  if (days < 0 || days >= maxDays) throw new AppError(403, RANGE_ERROR)
  return days
}

/** Totals of one measure: today, the change on yesterday and on last week, the daily average. */
export async function basicTotals(deps: Db, measure: Measure | null, today: string) {
  if (!measure)
    return {
      day_count: 0,
      week_percent: 0,
      day_percent: 0,
      day_average: 0,
      total_days: 0,
      total_count: 0,
    }
  const db = deps.db.read
  const [total, first, day, yesterday, week, lastWeek] = await Promise.all([
    sumOf(db, measure),
    firstDay(db),
    sumOf(db, measure, today, today),
    sumOf(db, measure, addDays(today, -1), addDays(today, -1)),
    sumOf(db, measure, addDays(today, -6), today),
    sumOf(db, measure, addDays(today, -13), addDays(today, -7)),
  ])
  const totalDays = first ? daysFrom(first, today) + 1 : 0
  return {
    day_count: day,
    week_percent: percent(week, lastWeek),
    day_percent: percent(day, yesterday),
    day_average: Math.round((total / (totalDays || 1)) * 100) / 100,
    total_days: totalDays,
    total_count: total,
  }
}

/** One `{date, count}` per day of `[begin, end]` (at most a year). */
export async function perDay(deps: Db, measure: Measure | null, begin?: string, end?: string) {
  const days = checkedRange(begin, end, 367)
  const sums = measure
    ? await dailySums(deps.db.read, measure, begin!, end!)
    : new Map<string, number>()
  return Array.from({ length: days + 1 }, (_, i) => {
    const date = addDays(begin!, i)
    return { date, count: sums.get(date) ?? 0 }
  })
}

/** One `{date_time, count}` per hour of the days `[begin, end]` (at most 31 days). */
export async function perHour(deps: Db, measure: Measure | null, begin?: string, end?: string) {
  const days = checkedRange(begin, end, 31)
  const sums = measure
    ? await hourlySums(deps.db.read, measure, begin!, end!)
    : new Map<string, number>()
  return Array.from({ length: (days + 1) * 24 }, (_, i) => {
    const key = `${addDays(begin!, Math.floor(i / 24))} ${String(i % 24).padStart(2, '0')}`
    return { date_time: `${key}:00:00`, count: sums.get(key) ?? 0 }
  })
}

/** `{month, count}` for the twelve months of the current year. */
export async function perMonth(deps: Db, measure: Measure | null, today: string) {
  const year = today.slice(0, 4)
  const sums = measure
    ? await dailySums(deps.db.read, measure, `${year}-01-01`, `${year}-12-31`)
    : new Map<string, number>()
  const months = Array.from({ length: 12 }, (_, i) => ({ month: i + 1, count: 0 }))
  for (const [day, count] of sums) months[Number(day.slice(5, 7)) - 1]!.count += count
  return months
}

/** Keywords of the last 7 days, most searched first, with the change on the 7 days before. */
export async function searchKeywords(
  deps: Db,
  today: string,
  page: { offset: number; limit: number },
) {
  const db = deps.db.read
  const from = addDays(today, -6)
  const [current, total] = await Promise.all([
    keywordCounts(db, from, today, page),
    keywordTotal(db, from, today),
  ])
  const before = new Map(
    (await keywordCounts(db, addDays(today, -13), addDays(today, -7))).map((k) => [
      k.keyword,
      k.count,
    ]),
  )
  return {
    keywords: current.map((k) => ({
      keyword: k.keyword,
      user_count: k.count,
      week_percent: percent(k.count, before.get(k.keyword) ?? 0),
    })),
    total_count: total,
  }
}

/** All searches ever rolled up, and the registered users. */
export async function searchTotals(deps: Db) {
  const [count, users] = await Promise.all([
    sumOf(deps.db.read, 'searches'),
    userTotal(deps.db.read),
  ])
  return { search_user_count: 0, count, user_count: users }
}

/** All article reads ever rolled up (no read source is recorded, so no breakdown). */
export async function readSourceTotals(deps: Db) {
  return { read_sources: [], total_read_count: await sumOf(deps.db.read, 'article_reads') }
}
