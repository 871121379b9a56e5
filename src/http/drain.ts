import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'

/**
 * Lets a stopping process hand its keep-alive clients over without resetting any: once `drain`
 * is called, every response says `Connection: close`, so each client opens a new connection
 * (to another worker or node) after its current request. Closing the server right away would
 * instead drop idle connections that a client may be sending on at that very moment.
 */
export function connectionDrain(app: FastifyInstance): (graceMs: number) => Promise<void> {
  let draining = false
  app.addHook('onRequest', async (_request, reply) => {
    if (draining) reply.header('connection', 'close')
  })
  return async (graceMs) => {
    draining = true
    await sleep(graceMs)
  }
}
