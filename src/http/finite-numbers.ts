import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { AppError } from '../errors.js'
import { REQPARSE } from './validation.js'

type Source = 'querystring' | 'params' | 'body'

/**
 * Refuses numbers the validator coerced from digit strings too long for a double: Ajv turns
 * `page=999…9` (309+ digits) into Infinity and lets it through its minimum/maximum checks; a JSON
 * body may hold `1e999`. Only routes that can receive such a number pay for the check.
 */
export function registerFiniteNumbers(app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as Partial<Record<Source, unknown>> | undefined
    const methods = [route.method].flat()
    const sources: Source[] = []
    // Arguments declared with `reqparse` arrive raw; their type functions read them.
    for (const source of ['querystring', 'params'] as const) {
      const declared = schema?.[source]
      if (!isReqparse(declared) && mayHoldNumber(declared)) sources.push(source)
    }
    // Bodies are parsed JSON whatever their schema says (GET and HEAD bodies are never read).
    if (
      methods.some((method) => method !== 'GET' && method !== 'HEAD') &&
      !isReqparse(schema?.body)
    )
      sources.push('body')
    if (sources.length === 0) return
    const check: preHandlerAsyncHookHandler = async (request) => refuseInfinite(request, sources)
    route.preHandler = [check, ...[route.preHandler ?? []].flat()]
  })
}

function refuseInfinite(request: FastifyRequest, sources: readonly Source[]) {
  for (const source of sources) {
    const value = source === 'querystring' ? request.query : request[source]
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      if (typeof item === 'number' && !Number.isFinite(item)) {
        throw new AppError(400, { [name]: `${name} must be a finite number` })
      }
    }
  }
}

const isReqparse = (schema: unknown) =>
  typeof schema === 'object' && schema !== null && REQPARSE in schema

// A schema (or a part of one) that declares a number or an integer anywhere.
function mayHoldNumber(schema: unknown): boolean {
  if (schema === null || typeof schema !== 'object') return false
  const type = (schema as { type?: unknown }).type
  if ([type].flat().some((t) => t === 'number' || t === 'integer')) return true
  return Object.values(schema).some(mayHoldNumber)
}
