import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

/** An error meant for the client: status and the original's `message` (a text, or field → text). */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly body: string | Record<string, string>,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body))
  }
}

/** Werkzeug's 404 text, which the original sent for unknown URLs (ERROR_404_HELP off). */
export const NOT_FOUND =
  'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.'

/** 4xx errors that Fastify and its plugins raise themselves, in the original's wording. */
const frameworkMessages: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported content type.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Request body is empty.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'Request body is not valid JSON.',
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
    const first = error.validation[0]
    const field = validatedField(first)
    // Flask URL converters answer 404 for a path that does not match; reqparse answers 400.
    const status = error.validationContext === 'params' ? 404 : 400
    const text = first?.message ? `${field} ${first.message}` : `Invalid ${field}.`
    return reply.status(status).send({ message: status === 404 ? NOT_FOUND : { [field]: text } })
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    const message = frameworkMessages[error.code] ?? error.message
    return reply.status(status).send({ message })
  }
  request.log.error({ err: error }, 'request failed')
  return reply.status(status >= 500 ? status : 500).send({ message: 'Internal server error.' })
}

function validatedField(
  error: { instancePath?: string; params?: Record<string, unknown> } | undefined,
): string {
  const missing = error?.params?.['missingProperty']
  if (typeof missing === 'string') return missing
  const additional = error?.params?.['additionalProperty']
  if (typeof additional === 'string') return additional
  const segments = (error?.instancePath ?? '').split('/').filter(Boolean)
  return segments[0] ?? 'request'
}
