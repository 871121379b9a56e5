import { Type } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { Logger } from 'pino'
import type { Socket } from 'socket.io'
import { answer, greeting, type ChatLookups } from './chat-robot.js'
import type { RealtimeMetrics } from './realtime-metrics.js'
import { tokenBucket } from './token-bucket.js'

/** The event that tells a client its message was refused: `{message}` in English, as the API. */
export const CHAT_ERROR_EVENT = 'chat error'

/** Per-socket limits of the chat. */
export interface ChatLimits {
  /** Longest `msg`, in characters. */
  maxMessageLength: number
  /** Incoming events per second on average (every event counts, not only `message`). */
  messagesPerSecond: number
  /** Events accepted at once before the rate applies. */
  burst: number
  /** Refused events in a row after which the socket is disconnected. */
  maxRefusedInARow: number
}

export const DEFAULT_CHAT_LIMITS: ChatLimits = {
  maxMessageLength: 500,
  messagesPerSecond: 5,
  burst: 10,
  maxRefusedInARow: 200,
}

export interface ChatContext {
  userId: bigint | null
  lookups: ChatLookups
  limits: ChatLimits
  metrics: RealtimeMetrics
  log: Logger
}

/** Compiles the `message` payload check: `{msg: string ≤ limit, timestamp?}` (extra keys ignored). */
export function chatMessageCheck(maxMessageLength: number) {
  const schema = Type.Object({
    msg: Type.String({ maxLength: maxMessageLength }),
    // Unused by the robot; clients send seconds or ms, some as a string.
    timestamp: Type.Optional(
      Type.Union([Type.Number(), Type.String({ maxLength: 20 }), Type.Null()]),
    ),
  })
  const check = TypeCompiler.Compile(schema)
  /** The text to answer, or the reason the payload is refused. */
  return (data: unknown): { msg: string } | { refused: string } => {
    if (check.Check(data)) return { msg: data.msg }
    const msg = (data as { msg?: unknown } | null)?.msg
    if (typeof msg === 'string' && msg.length > maxMessageLength) {
      return { refused: `Message too long: at most ${maxMessageLength} characters.` }
    }
    if (typeof msg === 'string') return { refused: 'timestamp must be a number.' }
    return { refused: 'Send {"msg": <text>, "timestamp": <seconds>} on the message event.' }
  }
}

/** Greets the socket, then answers each `message` in order, within the socket's limits. */
export function serveChat(
  socket: Socket,
  context: ChatContext,
  check: ReturnType<typeof chatMessageCheck>,
) {
  const { limits, metrics } = context
  const bucket = tokenBucket(limits.messagesPerSecond, limits.burst)
  let refusedInARow = 0
  let lastRateWarning = 0
  let pending = 0
  let replies: Promise<void> = Promise.resolve()

  socket.send(greeting())
  socket.use((_packet, next) => {
    if (bucket.take()) {
      refusedInARow = 0
      return next()
    }
    metrics.messages.inc({ outcome: 'limited' })
    if (++refusedInARow >= limits.maxRefusedInARow) return void socket.disconnect(true)
    // One warning a second: a flood must not turn into a flood of errors.
    const now = Date.now()
    if (now - lastRateWarning >= 1000) {
      lastRateWarning = now
      refuse(`Too many messages: at most ${limits.messagesPerSecond} a second.`)
    }
  })
  socket.on('message', (data: unknown) => {
    const checked = check(data)
    if ('refused' in checked) {
      metrics.messages.inc({ outcome: 'invalid' })
      return refuse(checked.refused)
    }
    // Replies keep the order of the questions; a stalled lookup must not pile up work.
    if (pending >= limits.burst) return refuse('Still answering your earlier messages.')
    pending += 1
    replies = replies
      .then(async () => {
        const reply = await answer(checked.msg, context.userId, context.lookups)
        if (socket.connected) socket.send(reply)
        metrics.messages.inc({ outcome: 'answered' })
      })
      .catch((error: unknown) => context.log.warn({ err: error }, 'chat reply failed'))
      .finally(() => void (pending -= 1))
  })

  function refuse(message: string) {
    if (socket.connected) socket.emit(CHAT_ERROR_EVENT, { message })
  }
}
