import type { FastifyInstance, InjectOptions } from 'fastify'

export type Headers = Record<string, string>

/** Sends a request; an object payload goes as JSON, a string payload as raw JSON text. */
export function send(
  app: FastifyInstance,
  method: InjectOptions['method'],
  url: string,
  headers: Headers = {},
  payload?: unknown,
) {
  const options: InjectOptions = { method, url, headers }
  if (typeof payload === 'string') {
    options.payload = payload
    options.headers = { ...headers, 'content-type': 'application/json' }
  } else if (payload !== undefined) {
    options.payload = payload as InjectOptions['payload']
  }
  return app.inject(options)
}
