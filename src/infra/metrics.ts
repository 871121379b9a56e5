import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { requestHistogram, type RequestHistogram } from './request-histogram.js'

/** Prometheus metrics of one process; each app instance gets its own registry. */
export interface Metrics {
  readonly registry: Registry
  readonly cacheEvents: Counter<'event' | 'layer'>
  readonly cacheLoads: Histogram<'entry' | 'outcome'>
  readonly httpRequests: RequestHistogram
  readonly dbQueries: Histogram<'outcome'>
  /** Job runs by outcome (`ok`, `failed`, `lost-lock`). */
  readonly jobRuns: Counter<'job' | 'outcome'>
  readonly jobSeconds: Histogram<'job'>
  /** Unix time of each job's last successful run in this process. */
  readonly jobLastSuccess: Gauge<'job'>
}

/** Creates the registry with process metrics and Headline's own. */
export function createMetrics(): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  return {
    registry,
    cacheEvents: new Counter({
      name: 'headline_cache_events_total',
      help: 'Cache hits and misses by layer (l1, l2)',
      labelNames: ['event', 'layer'],
      registers: [registry],
    }),
    cacheLoads: new Histogram({
      name: 'headline_cache_load_seconds',
      help: 'Time spent loading cache entries from the database, by entry kind',
      labelNames: ['entry', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    httpRequests: requestHistogram(registry, {
      name: 'headline_http_request_seconds',
      help: 'HTTP request latency',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    dbQueries: new Histogram({
      name: 'headline_db_query_seconds',
      help: 'SQL query latency',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'headline_job_runs_total',
      help: 'Job runs by job and outcome (ok, failed, lost-lock)',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    }),
    jobSeconds: new Histogram({
      name: 'headline_job_duration_seconds',
      help: 'Duration of job runs',
      labelNames: ['job'],
      buckets: [0.1, 1, 5, 15, 60, 300, 1800],
      registers: [registry],
    }),
    jobLastSuccess: new Gauge({
      name: 'headline_job_last_success_timestamp_seconds',
      help: 'Unix time of the last successful run of each job in this process',
      labelNames: ['job'],
      registers: [registry],
    }),
  }
}
