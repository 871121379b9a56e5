import cluster from 'node:cluster'
import type { Server as HttpServer } from 'node:http'
import { Server, type DefaultEventsMap, type Socket } from 'socket.io'
import type { Deps } from '../deps.js'
import { isUserEnabled } from '../features/auth/user-status.js'
import { chatLookups } from './chat-lookups.js'
import type { ChatLookups } from './chat-robot.js'
import { chatMessageCheck, DEFAULT_CHAT_LIMITS, serveChat, type ChatLimits } from './chat.js'
import { startEmitterPush, startPush } from './push.js'
import { realtimeMetrics } from './realtime-metrics.js'
import { redisAdapter } from './redis-bridge.js'
import { socketParser } from './wire.js'
import { watchUserStatus } from './status-watch.js'

/** Limits of the realtime server: the chat's per socket, plus the transport's packet size. */
export interface RealtimeLimits extends ChatLimits {
  /** Largest packet (bytes) the transport accepts; a bigger one closes that connection. */
  maxPacketBytes: number
}

export const DEFAULT_REALTIME_LIMITS: RealtimeLimits = {
  ...DEFAULT_CHAT_LIMITS,
  maxPacketBytes: 16 * 1024,
}

export interface RealtimeOptions {
  limits?: Partial<RealtimeLimits>
  /** The robot's lookups (default: Headline's recommender and article titles). */
  lookups?: ChatLookups
}

/** What each socket carries: its user, or null for an anonymous chat. */
export interface SocketData {
  userId: bigint | null
}

export type RealtimeServer = Server<
  DefaultEventsMap,
  DefaultEventsMap,
  DefaultEventsMap,
  SocketData
>

/** A running realtime server; close() ends its sockets, not the HTTP server it is attached to. */
export interface Realtime {
  readonly io: RealtimeServer
  close(): Promise<void>
}

type RealtimeDeps = Pick<
  Deps,
  | 'config'
  | 'log'
  | 'tokens'
  | 'cache'
  | 'db'
  | 'redis'
  | 'userSockets'
  | 'recommender'
  | 'search'
  | 'metrics'
  | 'notifications'
>

/**
 * Attaches Socket.IO at `/socket.io` of `server` (Engine.IO 3 and 4 clients, websocket and
 * polling): `?token=` (or v4 `auth.token`) joins the user's room, no token chats anonymously;
 * notifications published on `deps.notifications` go to the user's room, across processes
 * through the Redis adapter when REDIS_URL is set.
 */
export async function attachRealtime(
  server: HttpServer,
  deps: RealtimeDeps,
  options: RealtimeOptions = {},
): Promise<Realtime> {
  const limits = { ...DEFAULT_REALTIME_LIMITS, ...options.limits }
  const bridge = deps.config.redisUrl ? await redisAdapter(deps.config, deps.log) : undefined
  const io: RealtimeServer = new Server(server, {
    path: '/socket.io',
    allowEIO3: true,
    serveClient: false,
    // As the API: any origin. socket.io-client 2 sends credentials on polling by default.
    cors: { origin: true, credentials: true },
    maxHttpBufferSize: limits.maxPacketBytes,
    // Workers sharing a port get connections round-robin: a polling session's next request would
    // reach another worker, so cluster workers speak websocket only (`im` processes do both).
    ...(cluster.isWorker ? { transports: ['websocket' as const] } : {}),
    parser: socketParser,
    ...(bridge ? { adapter: bridge.adapter } : {}),
  })
  const metrics = realtimeMetrics(deps.metrics.registry)
  const context = {
    lookups: options.lookups ?? chatLookups(deps),
    limits,
    metrics,
    log: deps.log,
  }
  const check = chatMessageCheck(limits.maxMessageLength)

  io.use((socket, next) => {
    identify(deps, socket).then(
      (userId) => {
        socket.data.userId = userId
        next()
      },
      (error: unknown) => {
        if (error instanceof HandshakeError) return next(error)
        // Never show an internal error's text to the client.
        deps.log.warn({ err: error }, 'realtime: handshake failed')
        next(new HandshakeError(HANDSHAKE_ERRORS.unavailable))
      },
    )
  })
  io.on('connection', (socket) => {
    const { userId } = socket.data
    const kind = userId === null ? 'anonymous' : 'user'
    if (userId !== null) {
      // A Redis adapter joins asynchronously; a failed join only costs this socket its pushes.
      Promise.resolve(socket.join(userId.toString())).catch((error: unknown) =>
        deps.log.warn({ err: error }, 'realtime: joining the user room failed'),
      )
    }
    metrics.sockets.inc({ kind })
    socket.once('disconnect', () => metrics.sockets.dec({ kind }))
    serveChat(socket, { ...context, userId }, check)
  })
  const stopPush = startPush(deps, io)
  const stopWatch = watchUserStatus(deps, io)

  let closing: Promise<void> | undefined
  const close = async () => {
    stopPush()
    stopWatch()
    // Not io.close(): it would close the HTTP server, which belongs to the caller, and its
    // adapter.close() leaves unawaited UNSUBSCRIBE promises behind; quitting Redis ends those.
    io.local.disconnectSockets(true)
    io.engine.close()
    await bridge?.close()
  }
  return { io, close: () => (closing ??= close()) }
}

/**
 * The realtime side of a process: `server` given (the API's, or the `im` command's) → the
 * socket server on it; none (`serve` with REALTIME_ATTACH=false) → pushes through Redis only.
 */
export function startRealtime(
  deps: RealtimeDeps,
  server: HttpServer | undefined,
): Promise<Pick<Realtime, 'close'>> {
  return server ? attachRealtime(server, deps) : startEmitterPush(deps)
}

/** Refused handshakes get these messages (as the HTTP API's 401/403 texts). */
export const HANDSHAKE_ERRORS = {
  invalid: 'Token has some errors.',
  refresh: 'Do not use refresh token.',
  denied: 'User denied.',
  unavailable: 'Service unavailable, try again later.',
} as const

class HandshakeError extends Error {}

async function identify(deps: RealtimeDeps, socket: Socket): Promise<bigint | null> {
  const { query, auth } = socket.handshake
  const raw =
    firstString(query['token']) ?? firstString((auth as { token?: unknown } | undefined)?.token)
  const token = raw?.replace(/^Bearer\s+/i, '').trim()
  // The original also let `?a=<anonymous id>` in; without a token the socket only chats.
  if (!token) return null
  const claims = await deps.tokens.verify(token)
  if (!claims) throw new HandshakeError(HANDSHAKE_ERRORS.invalid)
  if (claims.refresh) throw new HandshakeError(HANDSHAKE_ERRORS.refresh)
  const enabled = await isUserEnabled(deps, claims.userId)
  if (!enabled) throw new HandshakeError(HANDSHAKE_ERRORS.denied)
  return claims.userId
}

function firstString(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first : undefined
}
