import { stringify } from 'lossless-json'
import type { FastifyBodyParser, FastifyInstance } from 'fastify'
import { UNREADABLE_BODY } from '../errors.js'

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

// An integer literal of 16+ digits outside a number's fraction or exponent: it may not fit a double.
const LONG_INTEGER = /(?<![\d.eE+-])-?\d{16,}(?![\d.eE])/
const LONG_INTEGERS = new RegExp(LONG_INTEGER.source, 'g')
const BACKSLASH = 92
// Deeper nesting is unreadable, as it was for the original (Python's recursion limit is 1000):
// argument conversion walks values recursively and must not run out of stack.
const MAX_DEPTH = 512

/**
 * JSON.parse that keeps integers beyond 2^53 exact (as decimal strings) and refuses prototype keys.
 * Plain `JSON.parse` does the work; only text holding a long integer literal is rewritten first,
 * quoting the unsafe integers, so exactness costs one linear scan and nothing more.
 */
export function parseJson(text: string): unknown {
  const value: unknown = JSON.parse(LONG_INTEGER.test(text) ? quoteLongIntegers(text) : text)
  // Walking the parsed value costs per object, not per byte of text (keys may be \u-escaped).
  refuseForbiddenKeys(value)
  return value
}

// Walks the text string by string (indexOf, linear even for hostile input) and quotes the unsafe
// integer literals found between strings. Invalid text stays invalid for JSON.parse to refuse.
function quoteLongIntegers(text: string): string {
  const parts: string[] = []
  let position = 0
  while (position < text.length) {
    const open = text.indexOf('"', position)
    const end = open === -1 ? text.length : open
    const between = text.slice(position, end)
    parts.push(LONG_INTEGER.test(between) ? between.replace(LONG_INTEGERS, quoteUnsafe) : between)
    if (open === -1) break
    let close = open
    do close = text.indexOf('"', close + 1)
    while (close !== -1 && isEscaped(text, close))
    if (close === -1) close = text.length - 1
    parts.push(text.slice(open, close + 1))
    position = close + 1
  }
  return parts.join('')
}

function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0
  while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++
  return backslashes % 2 === 1
}

function quoteUnsafe(token: string): string {
  return Number.isSafeInteger(Number(token)) ? token : `"${token}"`
}

function refuseForbiddenKeys(value: unknown): void {
  const pending: [unknown, number][] = [[value, 0]]
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!
    if (node === null || typeof node !== 'object') continue
    if (depth > MAX_DEPTH) throw new SyntaxError('Nested too deeply')
    if (Array.isArray(node)) {
      for (const item of node)
        if (item !== null && typeof item === 'object') pending.push([item, depth + 1])
      continue
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) throw new SyntaxError(`Forbidden key ${key}`)
      pending.push([(node as Record<string, unknown>)[key], depth + 1])
    }
  }
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
