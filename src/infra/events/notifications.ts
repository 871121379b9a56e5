import { EventEmitter } from 'node:events'

/** The push events of the original (`following notify`, `liking notify`, `comment notify`). */
export type NotificationEvent = 'following notify' | 'liking notify' | 'comment notify'

/** A push to one user's room. */
export interface Notification {
  event: NotificationEvent
  /** The user who receives it. */
  to: bigint
  payload: Record<string, unknown>
}

/** Where features publish pushes; the realtime server delivers them to connected sockets. */
export interface Notifications {
  publish(notification: Notification): void
  /** Calls `listener` for every published notification; returns the unsubscribe function. */
  subscribe(listener: (notification: Notification) => void): () => void
}

/** In-process notifications (one node); a Redis-backed emitter replaces it in a cluster. */
export function localNotifications(): Notifications {
  const emitter = new EventEmitter()
  emitter.setMaxListeners(0)
  return {
    publish: (notification) => void emitter.emit('notification', notification),
    subscribe(listener) {
      emitter.on('notification', listener)
      return () => emitter.off('notification', listener)
    },
  }
}
