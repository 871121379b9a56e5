import net from 'node:net'

/**
 * A TCP proxy in front of a real service that a test can cut, black-hole and restore, to see how
 * the app behaves when that service goes away mid-run (the service itself stays up for other tests).
 */
export class ChaosProxy {
  private readonly pairs = new Set<[net.Socket, net.Socket]>()
  private readonly held = new Set<net.Socket>()
  private server: net.Server | undefined
  private mode: 'up' | 'cut' | 'blackhole' = 'up'

  constructor(private readonly target: { host: string; port: number }) {}

  /** Starts listening on a free loopback port and returns it. */
  async start(): Promise<number> {
    this.server = net.createServer((client) => {
      if (this.mode === 'cut') return client.destroy()
      if (this.mode === 'blackhole') return this.hold(client)
      const upstream = net.connect(this.target)
      const pair: [net.Socket, net.Socket] = [client, upstream]
      this.pairs.add(pair)
      for (const socket of pair) {
        socket.on('close', () => this.pairs.delete(pair))
        socket.on('error', () => socket.destroy())
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return (this.server!.address() as net.AddressInfo).port
  }

  /** Drops every open connection and refuses new ones. */
  cut(): void {
    this.mode = 'cut'
    for (const [client, upstream] of this.pairs) {
      client.destroy()
      upstream.destroy()
    }
    for (const socket of this.held) socket.destroy()
  }

  /** Keeps connections open but answers nothing, on open connections and on new ones. */
  blackhole(): void {
    this.mode = 'blackhole'
    for (const pair of this.pairs) {
      const [client, upstream] = pair
      client.unpipe(upstream)
      upstream.unpipe(client)
      upstream.destroy()
      this.pairs.delete(pair)
      this.hold(client)
    }
  }

  /** Accepts and forwards connections again (held ones stay silent until the app drops them). */
  restore(): void {
    this.mode = 'up'
  }

  async stop(): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }

  private hold(socket: net.Socket): void {
    this.held.add(socket)
    socket.on('data', () => undefined)
    socket.on('error', () => socket.destroy())
    socket.on('close', () => this.held.delete(socket))
  }
}
