import { Type } from '@sinclair/typebox'
import { Ajv, type AnySchema, type Options } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifyServerOptions } from 'fastify'
import { pyInt } from './python.js'

/** Marks schemas that `reqparse` built: their values are raw and read by its type functions. */
export const REQPARSE = 'x-reqparse'

const common: Options = {
  useDefaults: true,
  // Unknown keys and parameters are ignored, as reqparse ignored them (`strict=False`).
  removeAdditional: true,
  addUsedSchema: false,
  allErrors: false,
  // reqparse bodies declare properties without `type: object`: any JSON value reaches the parser.
  strictTypes: false,
  // The failing value and schema, so that errors.ts can word the failure as reqparse did.
  verbose: true,
}

/** `<int(min=1):x>`: Unicode decimal digits whose value is at least 1 (leading zeros fine). */
const isPathId = (text: string) => {
  const result = /^\p{Nd}+$/u.test(text) ? pyInt(text) : null
  return result?.ok === true && result.value >= 1n
}

function newAjv(options: Options) {
  const ajv = new Ajv({ ...common, ...options })
  addFormats.default(ajv)
  ajv.addFormat('path-id', { type: 'string', validate: isPathId })
  ajv.addKeyword(REQPARSE)
  return ajv
}

/**
 * Fastify's validator set-up. Bodies are JSON and keep their types: a number never becomes a
 * string nor a string a number (reqparse's type functions decide, see reqparse.ts). Query
 * strings, path segments and headers are text, so schemas there may read numbers from it.
 */
export const schemaController: FastifyServerOptions['schemaController'] = {
  compilersFactory: {
    buildValidator: (externalSchemas: Record<string, unknown>) => {
      const body = newAjv({ coerceTypes: false })
      const text = newAjv({ coerceTypes: 'array' })
      for (const schema of Object.values(externalSchemas)) {
        body.addSchema(schema as object)
        text.addSchema(schema as object)
      }
      return ({ schema, httpPart }: { schema: AnySchema; httpPart?: string }) =>
        (httpPart === 'body' ? body : text).compile(schema)
    },
  },
}

/** A path id segment (the original's `<int(min=1):…>`); anything else is the 404 of routing. */
export const PathId = Type.String({ format: 'path-id', description: 'id (decimal digits)' })

/** The value of a segment `PathId` accepted. */
export function pathId(text: string): bigint {
  const result = pyInt(text)
  return result.ok ? result.value : 0n
}
