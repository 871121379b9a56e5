import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { schemaErrorText } from './http/schema-errors.js'
import { isCacheLoadTimeout } from './infra/cache/cache.js'
import { isDatabaseUnavailable } from './infra/db/errors.js'
import { WorkerIdUnavailableError } from './infra/ids/snowflake.js'

/** An error meant for the client: status and the original's `message` (a text, or field → text). */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly body: string | Record<string, string>,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body))
  }
}

/** Werkzeug's bare 400, which `request.json` raised for a body that is not JSON. */
export const BAD_REQUEST =
  'The browser (or proxy) sent a request that this server could not understand.'

/**
 * What the body parser leaves in `request.body` for text that is not JSON: the bare 400 comes
 * when a route reads its first JSON argument, after auth and earlier arguments, as in Flask.
 */
export const UNREADABLE_BODY: unique symbol = Symbol('unreadable body')

/** Werkzeug's 404 text, which the original sent for unknown URLs (ERROR_404_HELP off). */
export const NOT_FOUND =
  'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.'

/** The answer to a request that failed because the database is unavailable. */
export const SERVICE_UNAVAILABLE = 'Service unavailable, please try again later.'

/** Seconds a client should wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 5

/** 4xx errors that Fastify and its plugins raise themselves, in the original's wording. */
const frameworkMessages: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: BAD_REQUEST,
  FST_ERR_CTP_EMPTY_JSON_BODY: BAD_REQUEST,
  FST_ERR_CTP_INVALID_JSON_BODY: BAD_REQUEST,
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'The request is not multipart.',
  FST_REQ_FILE_TOO_LARGE: 'The uploaded file is too large.',
  FST_PARTS_LIMIT: 'Too many parts in the upload.',
  FST_FILES_LIMIT: 'Too many files in the upload.',
}

/** The one place where errors become replies in the original envelope. */
export function replyWithError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    return reply.status(error.status).send({ message: error.body })
  }
  if (error.validation) {
    if (request.body === UNREADABLE_BODY) return reply.status(400).send({ message: BAD_REQUEST })
    // Flask URL converters answer 404 for a path that does not match; reqparse answers 400.
    if (error.validationContext === 'params') return reply.status(404).send({ message: NOT_FOUND })
    return reply
      .status(400)
      .send({ message: schemaErrorText(error.validationContext, error.validation) })
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    const message = frameworkMessages[error.code] ?? error.message
    // Werkzeug answers every unreadable body with its bare 400, also for a media type (415 here).
    return reply.status(message === BAD_REQUEST ? 400 : status).send({ message })
  }
  if (
    isDatabaseUnavailable(error) ||
    isCacheLoadTimeout(error) ||
    error instanceof WorkerIdUnavailableError
  ) {
    request.log.warn({ err: error }, 'database, cache load or id lease unavailable')
    return reply
      .status(503)
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .send({ message: SERVICE_UNAVAILABLE })
  }
  request.log.error({ err: error }, 'request failed')
  return reply.status(status >= 500 ? status : 500).send({ message: 'Internal server error.' })
}
