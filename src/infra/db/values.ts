/** Reads a 64-bit id column (bigint on SQLite, decimal string on MySQL). */
export function toId(value: bigint | string | number): bigint {
  return typeof value === 'bigint' ? value : BigInt(value)
}

/** Reads a small integer column or aggregate. */
export function toInt(value: bigint | string | number | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value)
}

/** `YYYY-MM-DD HH:MM:SS` (UTC) for a datetime column. */
export function sqlDateTime(date: Date = new Date()): string {
  return date.toISOString().slice(0, 19).replace('T', ' ')
}

/** The original's ISO-8601 text for a datetime column (`2019-03-11T09:00:00`). */
export function isoDateTime(value: string | null): string | null {
  return value === null ? null : value.slice(0, 19).replace(' ', 'T')
}

/** Milliseconds since the epoch of a datetime column (stored as UTC). */
export function msOfDateTime(value: string): number {
  return Date.parse(`${value.slice(0, 19).replace(' ', 'T')}Z`)
}

/**
 * A JSON column's value: SQLite hands back the text, MariaDB's driver the parsed value (it reads
 * the column's JSON metadata). Throws on text that is not JSON.
 */
export function jsonColumn(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value
}
