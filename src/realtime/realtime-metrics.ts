import { Counter, Gauge, type Registry } from 'prom-client'

/** The realtime server's Prometheus metrics. */
export interface RealtimeMetrics {
  /** Connected sockets of this process, by kind (`user`, `anonymous`). */
  readonly sockets: Gauge<'kind'>
  /** Incoming chat messages by outcome (`answered`, `invalid`, `limited`). */
  readonly messages: Counter<'outcome'>
  /** Notifications handed to Socket.IO (or the Redis emitter), by event and outcome. */
  readonly notifications: Counter<'event' | 'outcome'>
}

/** Registers the metrics once per registry (a second server on the same deps shares them). */
export function realtimeMetrics(registry: Registry): RealtimeMetrics {
  const reuse = <T>(name: string, create: () => T): T =>
    (registry.getSingleMetric(name) as T | undefined) ?? create()
  return {
    sockets: reuse(
      'headline_realtime_sockets',
      () =>
        new Gauge({
          name: 'headline_realtime_sockets',
          help: 'Connected Socket.IO sockets in this process, by kind (user, anonymous)',
          labelNames: ['kind'],
          registers: [registry],
        }),
    ),
    messages: reuse(
      'headline_realtime_messages_total',
      () =>
        new Counter({
          name: 'headline_realtime_messages_total',
          help: 'Incoming chat messages by outcome (answered, invalid, limited)',
          labelNames: ['outcome'],
          registers: [registry],
        }),
    ),
    notifications: reuse(
      'headline_realtime_notifications_total',
      () =>
        new Counter({
          name: 'headline_realtime_notifications_total',
          help: 'Notifications emitted to user rooms, by event and outcome (sent, failed)',
          labelNames: ['event', 'outcome'],
          registers: [registry],
        }),
    ),
  }
}
