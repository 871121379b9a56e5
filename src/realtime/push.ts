import type { Deps } from '../deps.js'
import type { Notification } from '../infra/events/notifications.js'
import { realtimeMetrics } from './realtime-metrics.js'
import { redisEmitter } from './redis-bridge.js'

/** Something that emits to a room: the Socket.IO server (through its adapter) or an emitter. */
export interface PushTarget {
  to(room: string): { emit(event: string, payload: Notification['payload']): unknown }
}

type PushDeps = Pick<Deps, 'notifications' | 'log' | 'metrics'>

/**
 * Delivers every notification the features publish to the room of its user, `String(to)`.
 * With the Redis adapter or emitter the room spans every process; returns the unsubscribe.
 */
export function startPush(deps: PushDeps, target: PushTarget): () => void {
  const { notifications: counter } = realtimeMetrics(deps.metrics.registry)
  return deps.notifications.subscribe((notification) => {
    try {
      target.to(notification.to.toString()).emit(notification.event, notification.payload)
      counter.inc({ event: notification.event, outcome: 'sent' })
    } catch (error) {
      // A push is best effort: it must never fail the request that recorded the action.
      counter.inc({ event: notification.event, outcome: 'failed' })
      deps.log.warn({ err: error, event: notification.event }, 'notification push failed')
    }
  })
}

/**
 * For an API process that hosts no sockets (REALTIME_ATTACH=false): pushes through the Redis
 * emitter to the socket servers (`headline im`). Without Redis nothing can reach them.
 */
export async function startEmitterPush(deps: PushDeps & Pick<Deps, 'config'>) {
  if (!deps.config.redisUrl) {
    deps.log.warn('no socket server in this process and no REDIS_URL: notifications are dropped')
    return { close: async () => undefined }
  }
  const { emitter, close } = await redisEmitter(deps.config, deps.log)
  const stop = startPush(deps, emitter)
  return {
    async close() {
      stop()
      await close()
    },
  }
}
