import ioV2 from 'socket.io-client-v2'
import { io as ioV4 } from 'socket.io-client'

/** socket.io-client 2 (Engine.IO 3, what the original's apps ship) or the current 4. */
export type ClientVersion = 'v2' | 'v4'
export type Transport = 'websocket' | 'polling'

/** The part of both clients' sockets the tests use. */
export interface TestSocket {
  readonly connected: boolean
  on(event: string, listener: (...args: any[]) => void): unknown
  emit(event: string, ...args: unknown[]): unknown
  send(...args: unknown[]): unknown
  close(): unknown
}

export interface ClientOptions {
  /** Sent as `?token=` (what the original's clients do). */
  token?: string
  /** v4 only: sent as `auth: {token}`. */
  authToken?: string
}

/** Every client version and transport, for `describe.each`. */
export const CLIENT_KINDS = (['v2', 'v4'] as const).flatMap((version) =>
  (['websocket', 'polling'] as const).map((transport) => ({ version, transport })),
)

/** A socket that records every event it receives from the start, so none is missed. */
export class Client {
  readonly socket: TestSocket
  private readonly inbox: { event: string; args: unknown[] }[] = []
  private readonly waiters = new Set<() => void>()

  constructor(
    url: string,
    version: ClientVersion,
    transport: Transport,
    options: ClientOptions = {},
  ) {
    const common = { transports: [transport], forceNew: true, reconnection: false }
    const query = options.token === undefined ? undefined : { token: options.token }
    this.socket =
      version === 'v2'
        ? ioV2(url, { ...common, ...(query ? { query } : {}) })
        : ioV4(url, {
            ...common,
            ...(query ? { query } : {}),
            ...(options.authToken ? { auth: { token: options.authToken } } : {}),
          })
    const record =
      (event: string) =>
      (...args: unknown[]) => {
        this.inbox.push({ event, args })
        for (const wake of this.waiters) wake()
      }
    for (const event of ['connect', 'disconnect', 'connect_error', 'error', 'message']) {
      this.socket.on(event, record(event))
    }
    for (const event of ['chat error', 'following notify', 'liking notify', 'comment notify']) {
      this.socket.on(event, record(event))
    }
  }

  /** Resolves once connected; rejects with the server's refusal message. */
  async connected(timeoutMs = 5000): Promise<void> {
    const { event, args } = await this.next(['connect', 'connect_error', 'error'], timeoutMs)
    if (event !== 'connect') {
      const reason = args[0] as { message?: string } | string | undefined
      const message = typeof reason === 'string' ? reason : reason?.message
      throw new Error(message ?? `${event} without a message`)
    }
  }

  /** The first payload of the next `event` not read yet (waits up to `timeoutMs`). */
  async nextOf<T = unknown>(event: string, timeoutMs = 2000): Promise<T> {
    return (await this.next([event], timeoutMs)).args[0] as T
  }

  /** Whether an `event` arrives within `ms` (consumes it). */
  async receives(event: string, ms: number): Promise<boolean> {
    try {
      await this.next([event], ms)
      return true
    } catch {
      return false
    }
  }

  send(data: unknown) {
    this.socket.emit('message', data)
  }

  close() {
    this.socket.close()
  }

  private next(events: string[], timeoutMs: number) {
    return new Promise<{ event: string; args: unknown[] }>((resolve, reject) => {
      const look = () => {
        const index = this.inbox.findIndex((entry) => events.includes(entry.event))
        if (index < 0) return false
        const [entry] = this.inbox.splice(index, 1)
        this.waiters.delete(look)
        clearTimeout(timer)
        resolve(entry!)
        return true
      }
      const timer = setTimeout(() => {
        this.waiters.delete(look)
        reject(new Error(`no ${events.join('/')} within ${timeoutMs} ms`))
      }, timeoutMs)
      if (!look()) this.waiters.add(look)
    })
  }
}

/** A connected client; closes nothing on failure (the caller's afterEach does). */
export async function connect(
  url: string,
  version: ClientVersion,
  transport: Transport,
  options: ClientOptions = {},
): Promise<Client> {
  const client = new Client(url, version, transport, options)
  await client.connected()
  return client
}
