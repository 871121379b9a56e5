import type { Deps } from '../deps.js'
import { disabledAmong } from '../features/auth/user-status.js'
import type { RealtimeServer } from './socket-server.js'

/** How often an embedded socket server re-reads the status of its connected users. */
export const STATUS_SWEEP_MS = 2000
const SWEEP_BATCH = 500

type WatchDeps = Pick<Deps, 'userSockets' | 'db' | 'config' | 'log'>

/**
 * Ends the sockets of disabled users: on request from this process, and, without Redis (no bus
 * for the `user` command to reach this process), by a sweep that reads the status of every
 * connected user from the database every STATUS_SWEEP_MS. Returns the stop function.
 */
export function watchUserStatus(deps: WatchDeps, io: RealtimeServer): () => void {
  const disconnect = (userId: bigint) => io.in(userId.toString()).disconnectSockets(true)
  const off = deps.userSockets.onDisconnect(disconnect)
  if (deps.config.redisUrl) return off

  const sweep = async () => {
    const ids = new Set<bigint>()
    for (const socket of io.of('/').sockets.values()) {
      if (socket.data.userId !== null) ids.add(socket.data.userId)
    }
    const list = [...ids]
    for (let i = 0; i < list.length; i += SWEEP_BATCH) {
      for (const id of await disabledAmong(deps, list.slice(i, i + SWEEP_BATCH))) disconnect(id)
    }
  }
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    sweep()
      .catch((error: unknown) => deps.log.warn({ err: error }, 'realtime: status sweep failed'))
      .finally(() => (running = false))
  }, STATUS_SWEEP_MS)
  timer.unref()
  return () => {
    off()
    clearInterval(timer)
  }
}
