import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { BreakerState } from './circuit-breaker.js'

/** Recommender calls, their failures and the fallbacks they caused, on `/metrics`. */
export interface RecoMetrics {
  call(method: string, outcome: 'ok' | 'error' | 'timeout', seconds: number): void
  fallback(method: string, reason: 'error' | 'timeout' | 'circuit_open'): void
  circuit(state: BreakerState): void
}

const CIRCUIT_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 }

// One set per registry: a second recommender on the same registry reuses the first's metrics.
function metric<O extends { name: string }, M>(
  registry: Registry,
  Metric: new (options: O & { registers: Registry[] }) => M,
  options: O,
): M {
  return (
    (registry.getSingleMetric(options.name) as M | undefined) ??
    new Metric({ ...options, registers: [registry] })
  )
}

/** Registers the recommender metrics on a registry. */
export function recoMetrics(registry: Registry, target: 'grpc' | 'local'): RecoMetrics {
  const calls = metric(registry, Counter, {
    name: 'headline_reco_calls_total',
    help: 'Recommender calls by method, target (grpc, local) and outcome (ok, error, timeout)',
    labelNames: ['method', 'target', 'outcome'],
  })
  const latency = metric(registry, Histogram, {
    name: 'headline_reco_call_seconds',
    help: 'Recommender call latency by method and target',
    labelNames: ['method', 'target'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  })
  const fallbacks = metric(registry, Counter, {
    name: 'headline_reco_fallbacks_total',
    help: 'Feeds served newest-first instead, by method and reason (error, timeout, circuit_open)',
    labelNames: ['method', 'target', 'reason'],
  })
  const circuit = metric(registry, Gauge, {
    name: 'headline_reco_circuit_state',
    help: 'Circuit breaker of the gRPC recommender: 0 closed, 1 half-open, 2 open',
  })
  return {
    call(method, outcome, seconds) {
      calls.inc({ method, target, outcome })
      latency.observe({ method, target }, seconds)
    },
    fallback: (method, reason) => fallbacks.inc({ method, target, reason }),
    circuit: (state) => circuit.set(CIRCUIT_VALUE[state]),
  }
}
