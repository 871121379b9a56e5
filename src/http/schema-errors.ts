import type { FastifySchemaValidationError } from 'fastify'
import { pyInt, pyStr, pyTypeName } from './python.js'
import { missingText, type Location } from './reqparse-types.js'

type SchemaError = FastifySchemaValidationError & {
  data?: unknown
  parentSchema?: { minimum?: number; maximum?: number; type?: unknown }
}

const LOCATIONS: Record<string, Location> = {
  body: 'json',
  querystring: 'args',
  headers: 'headers',
}

function fieldOf(error: SchemaError): string {
  const missing = error.params['missingProperty']
  if (typeof missing === 'string') return missing
  const segments = error.instancePath.split('/').filter(Boolean)
  return segments[0] ?? 'request'
}

function rangeText(field: string, value: unknown, error: SchemaError): string {
  const { minimum, maximum } = error.parentSchema ?? {}
  const result = pyInt(value)
  const n = result.ok ? result.value.toString() : pyStr(value)
  if (maximum === undefined && minimum === 1)
    return `Invalid ${field}: ${n}. ${field} must be a positive integer`
  if (maximum === undefined && minimum === 0)
    return `Invalid ${field}: ${n}. ${field} must be a non-negative integer`
  return `Invalid ${field}: ${n}. ${field} must be within the range ${minimum ?? '-inf'} - ${maximum ?? 'inf'}`
}

/**
 * The reqparse text for a failure of a plain TypeBox schema (routes that do not declare their
 * arguments with `reqparse`): the argument is named as declared, and the text is the one of the
 * type function the schema stands for (`positive`, `int_range`, `inputs.regex`…).
 */
export function schemaErrorText(
  context: string | undefined,
  errors: FastifySchemaValidationError[],
): Record<string, string> {
  const error = errors[0] as SchemaError | undefined
  if (!error) return { request: 'Invalid request.' }
  const field = fieldOf(error)
  const value = error.data
  const location = LOCATIONS[context ?? ''] ?? 'json'
  switch (error.keyword) {
    case 'required':
      return { [field]: missingText(location) }
    case 'type': {
      const expected = String(error.params['type'])
      if (expected.includes('integer') || expected.includes('number')) {
        return { [field]: `${pyStr(value)} is not a valid integer` }
      }
      if (expected.includes('string')) {
        return { [field]: `expected string or bytes-like object, got '${pyTypeName(value)}'` }
      }
      return { [field]: `Invalid ${field}.` }
    }
    case 'minimum':
    case 'maximum':
      return { [field]: rangeText(field, value, error) }
    case 'pattern':
      return { [field]: `Value does not match pattern: "${String(error.params['pattern'])}"` }
    case 'enum':
    case 'const':
      return { [field]: `${pyStr(value)} is not a valid choice` }
    default:
      return { [field]: `Invalid ${field}.` }
  }
}
