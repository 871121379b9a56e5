import type { FastifyInstance } from 'fastify'

/** Werkzeug's 405 text. */
export const METHOD_NOT_ALLOWED = 'The method is not allowed for the requested URL.'

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const
// The API's own paths; the docs, uploads and CORS preflight routes keep Fastify's behaviour.
const API_PATH = /^\/(?:app\/)?v1_\d\/|^\/(?:mp|mis)\/v1_\d\//

interface KnownPath {
  methods: Set<string>
  params: unknown
}

/**
 * Werkzeug's routing answers for a path that exists with another method: 405 with the
 * original's text and an `Allow` header listing the path's methods (+ HEAD with GET, + OPTIONS).
 * The 405 route of a path keeps that path's params schema, so a bad id there is still a 404.
 * Call before the routes are added; call the returned function after the last one.
 */
export function answerWrongMethods(app: FastifyInstance): () => void {
  const paths = new Map<string, KnownPath>()
  let sealed = false
  app.addHook('onRoute', (route) => {
    if (sealed || !API_PATH.test(route.url)) return
    const known = paths.get(route.url) ?? { methods: new Set<string>(), params: undefined }
    for (const method of [route.method].flat()) known.methods.add(method)
    known.params ??= route.schema?.params
    paths.set(route.url, known)
  })
  return () => {
    sealed = true
    for (const [url, { methods, params }] of paths) {
      const others: string[] = METHODS.filter((method) => !methods.has(method))
      if (!methods.has('GET')) others.push('HEAD')
      if (others.length === 0) continue
      const allowed = METHODS.filter((method) => methods.has(method)) as string[]
      if (methods.has('GET')) allowed.push('HEAD')
      const allow = [...allowed, 'OPTIONS'].join(', ')
      app.route({
        method: others,
        url,
        schema: { hide: true, ...(params ? { params } : {}) },
        handler: async (_request, reply) =>
          reply.status(405).header('allow', allow).send({ message: METHOD_NOT_ALLOWED }),
      })
    }
  }
}
