import { stringify } from 'lossless-json'
import type {
  FastifyBodyParser,
  FastifyInstance,
  FastifyReply,
  preSerializationHookHandler,
} from 'fastify'
import { UNREADABLE_BODY } from '../errors.js'

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

const MAX_SAFE_DIGITS = Buffer.from(String(Number.MAX_SAFE_INTEGER))
const [QUOTE, BACKSLASH, MINUS, PLUS, DOT, COLON, ZERO, NINE] = [34, 92, 45, 43, 46, 58, 48, 57]
// Deeper nesting is unreadable, as it was for the original (Python's recursion limit is 1000):
// argument conversion walks values recursively and must not run out of stack.
const MAX_DEPTH = 512

/**
 * JSON.parse that keeps integers beyond 2^53 exact (as decimal strings) and refuses prototype keys.
 * Plain `JSON.parse` does the work; only text holding a long integer literal is rewritten first,
 * quoting the unsafe integers, so exactness costs one linear scan and nothing more.
 */
export function parseJson(text: string): unknown {
  const value: unknown = JSON.parse(hasSixteenDigits(text) ? quoteLongIntegers(text) : text)
  // Walking the parsed value costs per object, not per byte of text (keys may be \u-escaped).
  refuseForbiddenKeys(value)
  return value
}

// Only text with 16 digits in a row may hold an integer that does not fit a double. Any such run
// covers one position in 16 (15, 31, 47…): only those are read, and the runs around the digits among
// them, so a large ordinary body costs a fraction of a regular expression's pass.
function hasSixteenDigits(text: string): boolean {
  for (let i = 15; i < text.length; i += 16) {
    if (!isDigit(text.charCodeAt(i))) continue
    let start = i
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--
    let end = i + 1
    while (end < text.length && isDigit(text.charCodeAt(end))) end++
    if (end - start >= 16) return true
  }
  return false
}

// One pass over the UTF-8 bytes (ASCII never occurs inside a multi-byte character), copying them
// and quoting each integer token that is not safe, in value position. Strings are skipped with
// indexOf and number tokens read whole, so digits in strings, fractions and exponents stay as they
// are. Nothing else changes: invalid text stays invalid for JSON.parse to refuse (a quoted key or
// a leading zero would turn it valid). Bytes rather than string pieces: one copy, no garbage.
function quoteLongIntegers(text: string): string {
  const bytes = Buffer.from(text, 'utf8')
  const n = bytes.length
  // Each quoted token has 16+ digits and gains 2 quotes.
  const out = Buffer.allocUnsafe(n + Math.ceil(n / 8))
  let written = 0
  let changed = false
  let i = 0
  while (i < n) {
    const c = bytes[i]!
    if (c === QUOTE) {
      const end = afterString(bytes, i)
      written += bytes.copy(out, written, i, end)
      i = end
      continue
    }
    if (c !== MINUS && !isDigit(c)) {
      out[written++] = c
      i++
      continue
    }
    const start = i
    if (c === MINUS) i++
    const digits = i
    while (i < n && isDigit(bytes[i]!)) i++
    const end = i
    // A fraction or an exponent: a double, as JSON.parse reads it (and so did the original).
    while (i < n && isNumberPart(bytes[i]!)) i++
    const quote = i === end && isUnsafeInteger(bytes, digits, end) && !beforeColon(bytes, end)
    if (quote) out[written++] = QUOTE
    for (let j = start; j < i; j++) out[written++] = bytes[j]!
    if (quote) out[written++] = QUOTE
    changed ||= quote
  }
  return changed ? out.toString('utf8', 0, written) : text
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE
}

function isNumberPart(c: number): boolean {
  return isDigit(c) || c === DOT || c === PLUS || c === MINUS || (c | 32) === 101 // e or E
}

function isUnsafeInteger(bytes: Buffer, digits: number, end: number): boolean {
  const length = end - digits
  if (length < 16 || bytes[digits] === ZERO) return false
  return length > 16 || bytes.compare(MAX_SAFE_DIGITS, 0, 16, digits, end) > 0
}

function beforeColon(bytes: Buffer, position: number): boolean {
  let i = position
  while (i < bytes.length && bytes[i]! <= 32) i++
  return bytes[i] === COLON
}

// The position after the string opening at `open` (the end of the text when it is unterminated).
// indexOf finds the closing quote of a string without escaped quotes; a string with one is walked
// escape by escape (a run of escaped quotes would otherwise cost a call and a look-back each).
function afterString(bytes: Buffer, open: number): number {
  const close = bytes.indexOf(QUOTE, open + 1)
  if (close === -1) return bytes.length
  if (bytes[close - 1] !== BACKSLASH) return close + 1
  for (let i = open + 1; i < bytes.length; i++) {
    const c = bytes[i]
    if (c === BACKSLASH) i++
    else if (c === QUOTE) return i + 1
  }
  return bytes.length
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
  // Routes with a response schema never need it; the others set it on every reply.
  const useExactJson: preSerializationHookHandler = (_request, reply, payload, done) => {
    reply.serializer(stringifyJson)
    done(null, payload)
  }
  app.addHook('onRoute', (route) => {
    if (!route.schema?.response) {
      route.preSerialization = [useExactJson, ...[route.preSerialization ?? []].flat()]
    }
  })
}

/**
 * Sends JSON text a route built with its own serializer (parts of it held ready between requests):
 * the same bytes and content type as when Fastify serializes the answer itself.
 */
export function sendJsonText(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(text)
}
