import type { Metric, Registry } from 'prom-client'

/**
 * Request durations by method, route and status, exposed as a Prometheus histogram. Counted
 * here rather than by prom-client's `Histogram`, which checks and hashes the label object of
 * every observation: that was a measurable part of a cached read.
 */
export interface RequestHistogram {
  observe(method: string, route: string, status: number, seconds: number): void
}

interface Series {
  readonly labels: { method: string; route: string; status: string }
  /** Observations per bucket (not cumulative), the last one past every bound. */
  readonly counts: number[]
  sum: number
  count: number
}

/** One line of the exposition: `<name>_bucket{le,…}`, `_sum` or `_count`. */
interface Line {
  metricName: string
  labels: Record<string, string | number>
  value: number
}

/** A request histogram registered in `registry` under `name`. */
export function requestHistogram(
  registry: Registry,
  options: { name: string; help: string; buckets: readonly number[] },
): RequestHistogram {
  const { name, help, buckets } = options
  const series = new Map<string, Series>()
  const values = (): Line[] => {
    const out: Line[] = []
    for (const { labels, counts, sum, count } of series.values()) {
      let total = 0
      buckets.forEach((le, i) => {
        total += counts[i]!
        out.push({ metricName: `${name}_bucket`, labels: { le, ...labels }, value: total })
      })
      out.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', ...labels }, value: count })
      out.push({ metricName: `${name}_sum`, labels, value: sum })
      out.push({ metricName: `${name}_count`, labels, value: count })
    }
    return out
  }
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get: async () => ({ name, help, type: 'histogram', aggregator: 'sum', values: values() }),
    reset: () => series.clear(),
  }
  registry.registerMetric(metric as unknown as Metric)
  return {
    observe(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`
      let entry = series.get(key)
      if (!entry) {
        const labels = { method, route, status: String(status) }
        entry = { labels, counts: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0 }
        series.set(key, entry)
      }
      let bucket = 0
      while (bucket < buckets.length && seconds > buckets[bucket]!) bucket++
      entry.counts[bucket]!++
      entry.sum += seconds
      entry.count++
    },
  }
}
