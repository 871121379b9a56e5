import { randomUUID } from 'node:crypto'
import cors from '@fastify/cors'
import multipart from '@fastify/multipart'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Deps } from './deps.js'
import { NOT_FOUND, replyWithError } from './errors.js'
import { isUserEnabled } from './features/auth/user-status.js'
import { authRoutes } from './features/auth/auth.routes.js'
import { usersRoutes } from './features/users/users.routes.js'
import { channelsRoutes } from './features/channels/channels.routes.js'
import { announcementsRoutes } from './features/announcements/announcements.routes.js'
import { articlesRoutes } from './features/articles/articles.routes.js'
import { commentsRoutes } from './features/comments/comments.routes.js'
import { interactionsRoutes } from './features/interactions/interactions.routes.js'
import { socialRoutes } from './features/social/social.routes.js'
import { historyRoutes } from './features/history/history.routes.js'
import { searchRoutes } from './features/search/search.routes.js'
import { misRoutes } from './features/mis/index.js'
import { mpRoutes } from './features/mp/index.js'
import { registerAuth } from './http/auth.js'
import { registerConsole } from './http/console.js'
import { JSON_BODY_LIMIT, closeOnUnreadBody } from './http/body-limits.js'
import { registerFiniteNumbers } from './http/finite-numbers.js'
import { registerJson } from './http/json.js'
import { registerOps } from './http/ops.js'
import { registerReadRouting } from './http/read-routing.js'
import { lazyRequestLogger } from './http/request-logger.js'
import { rateLimitStore } from './http/rate-limit-store.js'
import { answerWrongMethods } from './http/routing.js'
import { schemaController } from './http/validation.js'
import { registerUploads } from './http/uploads.js'

/** The app API's features; mounted at `/` (`/v1_0`, `/v1_1`) and again under `/app`. */
const appFeatures = [
  authRoutes,
  usersRoutes,
  channelsRoutes,
  announcementsRoutes,
  articlesRoutes,
  commentsRoutes,
  interactionsRoutes,
  socialRoutes,
  historyRoutes,
  searchRoutes,
]

/** Builds the HTTP app on the given dependencies; listening is the caller's business. */
export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    trustProxy: deps.config.trustProxy,
    bodyLimit: JSON_BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    childLoggerFactory: lazyRequestLogger,
    schemaController,
    // A request that reached a process as it stops is answered, not refused with 503: a reload
    // of cluster workers (one listening socket) hands a few connections to a closing worker.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>()
  const sealRoutes = answerWrongMethods(app)

  registerJson(app)
  closeOnUnreadBody(app)
  registerOps(app, deps)
  app.setErrorHandler(replyWithError)
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ message: NOT_FOUND }))
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.httpRequests.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    )
    done()
  })

  await app.register(cors, {
    origin: deps.config.corsOrigins === '*' ? '*' : [...deps.config.corsOrigins],
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Trace', 'X-Request-Id'],
    exposedHeaders: ['Retry-After'],
    maxAge: 86_400,
  })
  await app.register(multipart, {
    limits: { fileSize: deps.config.uploadMaxBytes, files: 4, fields: 10 },
  })
  await app.register(rateLimit, {
    global: false,
    store: rateLimitStore(deps.rateCounters),
    skipOnError: true,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: 'Too many requests.',
      retryAfter: context.after,
    }),
  })
  await app.register(swagger, {
    openapi: {
      info: { title: 'Headline API', version: '1.0.0', description: 'Toutiao-compatible app API' },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  await registerConsole(app, deps.config.consoleDir)
  registerFiniteNumbers(app)
  if (deps.db.replicas) {
    registerReadRouting(app, { writers: deps.db.replicas.writers, adminTokens: deps.adminTokens })
  }
  registerAuth(app, {
    tokens: deps.tokens,
    isUserEnabled: (userId) => isUserEnabled(deps, userId),
  })
  await registerUploads(app, deps)
  for (const prefix of ['', '/app']) {
    await app.register(
      async (api) => {
        // Older clients use /app/…: same routes, left out of the OpenAPI document.
        if (prefix)
          api.addHook('onRoute', (route) => void (route.schema = { ...route.schema, hide: true }))
        for (const feature of appFeatures) await api.register(feature, { deps })
      },
      { prefix },
    )
  }
  await app.register(misRoutes, { deps, prefix: '/mis/v1_0' })
  await app.register(mpRoutes, { deps, prefix: '/mp' })
  sealRoutes()
  return app
}
