import { EventEmitter } from 'node:events'
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import { redisEmitter } from './redis-bridge.js'

/** Ends users' open sockets wherever they are connected. */
export interface UserSockets {
  /** Disconnects every socket of the user: on every node with Redis, in this process without. */
  disconnect(userId: bigint): Promise<void>
  /** Called for each disconnect requested in this process (the local socket server listens). */
  onDisconnect(listener: (userId: bigint) => void): () => void
  close(): Promise<void>
}

/**
 * With REDIS_URL, a disconnect is published through the Socket.IO Redis emitter (opened on first
 * use), which every socket server's adapter obeys, this process's included. Without Redis only
 * the local socket server can be reached; the `user` command's changes reach an embedded server
 * through its status sweep instead (see socket-server.ts).
 */
export function userSockets(config: Pick<Config, 'redisUrl' | 'redisPrefix'>, log: Logger) {
  const local = new EventEmitter()
  local.setMaxListeners(0)
  let bridge: ReturnType<typeof redisEmitter> | undefined
  const sockets: UserSockets = {
    async disconnect(userId) {
      if (!config.redisUrl) return void local.emit('disconnect', userId)
      bridge ??= redisEmitter(config, log)
      const { emitter } = await bridge
      emitter.in(userId.toString()).disconnectSockets(true)
    },
    onDisconnect(listener) {
      local.on('disconnect', listener)
      return () => local.off('disconnect', listener)
    },
    async close() {
      local.removeAllListeners()
      // quit() sends what is queued first, so a disconnect published just before is delivered.
      if (bridge) await (await bridge).close()
    },
  }
  return sockets
}
