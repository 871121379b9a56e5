import net from 'node:net'

/**
 * A TCP proxy in front of a real service that a test can cut and restore, to see how the app
 * behaves when that service goes away mid-run (the service itself stays up for other tests).
 */
export class ChaosProxy {
  private readonly sockets = new Set<net.Socket>()
  private server: net.Server | undefined
  private up = true

  constructor(private readonly target: { host: string; port: number }) {}

  /** Starts listening on a free loopback port and returns it. */
  async start(): Promise<number> {
    this.server = net.createServer((client) => {
      if (!this.up) return client.destroy()
      const upstream = net.connect(this.target)
      for (const socket of [client, upstream]) {
        this.sockets.add(socket)
        socket.on('close', () => this.sockets.delete(socket))
        socket.on('error', () => socket.destroy())
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    return (this.server!.address() as net.AddressInfo).port
  }

  /** Drops every open connection and refuses new ones. */
  cut(): void {
    this.up = false
    for (const socket of this.sockets) socket.destroy()
  }

  /** Accepts connections again. */
  restore(): void {
    this.up = true
  }

  async stop(): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }
}
