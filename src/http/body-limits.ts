import type { FastifyInstance } from 'fastify'

/**
 * Largest request body of an ordinary route. The app's JSON bodies are a few KB; a bigger body is
 * refused with 413 after reading at most this much, before any parsing.
 */
export const JSON_BODY_LIMIT = 64 * 1024

/** Body limit of a JSON route carrying up to `images` base64 images of at most `maxBytes` each. */
export const base64ImagesBodyLimit = (maxBytes: number, images: number) =>
  images * Math.ceil(maxBytes / 3) * 4 + JSON_BODY_LIMIT

/**
 * A reply sent before a big request body has arrived (a guard refused the caller) closes the
 * connection. Kept alive, Node would read and discard the rest of the body, so a client sending
 * megabytes to a refused route would still cost the server every byte. A body within the JSON
 * limit is cheaper to drain than a new connection.
 */
export function closeOnUnreadBody(app: FastifyInstance) {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (
      request.raw.complete === false &&
      !(Number(request.headers['content-length']) <= JSON_BODY_LIMIT)
    )
      reply.header('connection', 'close')
    done(null, payload)
  })
}
