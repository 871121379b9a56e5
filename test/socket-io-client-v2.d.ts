// socket.io-client 2 ships no types: the little of it the realtime tests use.
declare module 'socket.io-client-v2' {
  interface V2Socket {
    readonly connected: boolean
    readonly id: string
    on(event: string, listener: (...args: any[]) => void): V2Socket
    emit(event: string, ...args: unknown[]): V2Socket
    send(...args: unknown[]): V2Socket
    close(): V2Socket
  }
  interface V2Options {
    transports?: string[]
    forceNew?: boolean
    reconnection?: boolean
    query?: Record<string, string>
    path?: string
  }
  function connect(url: string, options?: V2Options): V2Socket
  export default connect
}
