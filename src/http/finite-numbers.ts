import type { FastifyInstance } from 'fastify'
import { AppError } from '../errors.js'
import { REQPARSE } from './validation.js'

/**
 * Refuses numbers the validator coerced from digit strings too long for a double: Ajv turns
 * `page=999…9` (309+ digits) into Infinity and lets it through its minimum/maximum checks.
 */
export function registerFiniteNumbers(app: FastifyInstance) {
  app.addHook('preHandler', async (request) => {
    // Arguments declared with `reqparse` arrive raw; their type functions read them.
    const schema = request.routeOptions.schema
    const sources = [request.query, request.params, request.body].filter(
      (_source, index) =>
        !(
          schema?.[(['querystring', 'params', 'body'] as const)[index]!] as
            Record<string, unknown> | undefined
        )?.[REQPARSE],
    )
    for (const source of sources) {
      if (source === null || typeof source !== 'object' || Array.isArray(source)) continue
      for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
        if (typeof value === 'number' && !Number.isFinite(value)) {
          throw new AppError(400, { [name]: `${name} must be a finite number` })
        }
      }
    }
  })
}
