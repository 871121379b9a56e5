import { parse, stringify } from 'lossless-json'
import type { FastifyBodyParser, FastifyInstance } from 'fastify'
import { UNREADABLE_BODY } from '../errors.js'

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

// Integers beyond 2^53 stay decimal strings, so 64-bit ids arrive exact; schemas turn them into ids.
const parseNumber = (text: string): number | string =>
  /^-?\d+$/.test(text) && !Number.isSafeInteger(Number(text)) ? text : Number(text)

/** JSON.parse that keeps big integers exact (as strings) and refuses prototype keys. */
export function parseJson(text: string): unknown {
  return parse(
    text,
    (key, value) => {
      if (FORBIDDEN_KEYS.has(key)) throw new SyntaxError(`Forbidden key ${key}`)
      return value
    },
    parseNumber,
  )
}

/** JSON.stringify that writes bigints as exact JSON numbers. */
export function stringifyJson(value: unknown): string {
  return stringify(value) ?? 'null'
}

const parseBody: FastifyBodyParser<string | Buffer> = (_request, body, done) => {
  const text = typeof body === 'string' ? body : body.toString('utf8')
  if (text.trim() === '') return done(null, undefined)
  try {
    done(null, parseJson(text))
  } catch {
    done(null, UNREADABLE_BODY)
  }
}

/**
 * Request bodies go through the bigint-safe parser. Replies use their route's response schema
 * (fast-json-stringify writes bigints exactly); replies of routes without one use `stringifyJson`.
 */
export function registerJson(app: FastifyInstance) {
  app.removeContentTypeParser('application/json')
  // `application/*+json` is JSON too (Werkzeug's `is_json`), e.g. merge-patch+json.
  for (const type of ['application/json', /^application\/[\w.+-]+\+json(?:\s*;|$)/]) {
    app.addContentTypeParser(type, { parseAs: 'string' }, parseBody)
  }
  app.addHook('preSerialization', async (request, reply, payload) => {
    if (!request.routeOptions.schema?.response) reply.serializer(stringifyJson)
    return payload
  })
}
