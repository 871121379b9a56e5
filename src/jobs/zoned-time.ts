const formats = new Map<string, Intl.DateTimeFormat>()

function parts(ms: number, zone: string) {
  let format = formats.get(zone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
    formats.set(zone, format)
  }
  const out: Record<string, string> = {}
  for (const part of format.formatToParts(ms)) out[part.type] = part.value
  return out
}

/** The local day (`YYYY-MM-DD`) of an instant in a time zone. */
export function localDay(ms: number, zone: string): string {
  const p = parts(ms, zone)
  return `${p['year']}-${p['month']}-${p['day']}`
}

/** The local hour (0–23) of an instant in a time zone. */
export function localHour(ms: number, zone: string): number {
  return Number(parts(ms, zone)['hour'])
}

/** The instant (ms) when a local day's hour begins in a time zone. */
export function zonedTime(day: string, hour: number, zone: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  const wall = Date.UTC(y, m - 1, d, hour)
  // The zone's offset at a guess, then again at the corrected instant (DST changes in between).
  let instant = wall - offset(wall, zone)
  instant = wall - offset(instant, zone)
  return instant
}

function offset(ms: number, zone: string): number {
  const p = parts(ms, zone)
  const wall = Date.UTC(
    Number(p['year']),
    Number(p['month']) - 1,
    Number(p['day']),
    Number(p['hour']),
    Number(p['minute']),
  )
  return wall - Math.floor(ms / 60_000) * 60_000
}
