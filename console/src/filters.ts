import { dateTime } from './use'

/** One filter of a list, bound to `filters[key]`: a text, a choice or a date-time range. */
export type Filter =
  | { key: string; text: string }
  | { key: string; choose: string; options: readonly Choice[] }
  | { key: string; from: string; to: string }

/** A choice's label and the value it sends ('' sends nothing). */
export type Choice = readonly [label: string, value: string]

/** `all` (no filter), then one choice per labelled code. */
export function choices(all: string, labels: Record<number, string>): Choice[] {
  return [[all, ''], ...Object.entries(labels).map(([value, label]) => [label, value] as const)]
}

/** The `begin`/`end` query of a date-time range filter (nothing when it is empty). */
export function rangeQuery(range: [Date, Date] | null): { begin?: string; end?: string } {
  return range ? { begin: dateTime(range[0]), end: dateTime(range[1]) } : {}
}

/** A choice filter of a 0/1 field: `all` (no filter), then `on` (1) and `off` (0). */
export function flagFilter(key: string, all: string, on: string, off: string): Filter {
  return {
    key,
    choose: all,
    options: [
      [all, ''],
      [on, '1'],
      [off, '0'],
    ],
  }
}
