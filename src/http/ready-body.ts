import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** An answer serialized once: the bytes to send and their entity tag. */
export interface ReadyBody {
  readonly bytes: Buffer
  /** A strong validator: `"…"`, the digest of the bytes. */
  readonly etag: string
}

const JSON_TYPE = 'application/json; charset=utf-8'
// Answers kept per cached value (e.g. the pages of one list, a profile's counts).
const MAX_VARIANTS = 32

/** The ready body of serialized JSON. */
export function readyBody(json: string | Buffer | ArrayBuffer): ReadyBody {
  const bytes =
    typeof json === 'string'
      ? Buffer.from(json, 'utf8')
      : Buffer.isBuffer(json)
        ? json
        : Buffer.from(new Uint8Array(json))
  const digest = createHash('sha1').update(bytes).digest('base64url')
  return { bytes, etag: `"${digest}"` }
}

/**
 * True when `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks of this header) or
 * is `*`. A client that sent no such header never gets a 304.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header === etag) return true
  for (const item of header.split(',')) {
    const tag = item.trim()
    if (tag === '*' || tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true
  }
  return false
}

/**
 * Sends a ready body with its `ETag`; 304 without a body when the request's `If-None-Match`
 * already names it.
 */
export function sendReady(
  request: FastifyRequest,
  reply: FastifyReply,
  body: ReadyBody,
): FastifyReply {
  reply.header('etag', body.etag)
  if (matchesIfNoneMatch(request.headers['if-none-match'], body.etag)) {
    return reply.code(304).send()
  }
  return reply.header('content-type', JSON_TYPE).send(body.bytes)
}

/** See `readyBodies`. */
export interface ReadyBodies<V extends object> {
  /**
   * The body of `variant` of `value`; the first time, `build` makes the payload and the
   * reply's serializer (the route's response schema) writes it.
   */
  of(value: V, variant: string, reply: FastifyReply, build: () => unknown): ReadyBody
}

/**
 * Answers of cached values, serialized once per value object and variant (e.g. a page of a
 * list). A cache hands out the same object until the entry is reloaded or dropped, so a new
 * value (after a write, on any node) gets a new body and a new ETag, and an old one is
 * collected with its value.
 */
export function readyBodies<V extends object>(): ReadyBodies<V> {
  const bodies = new WeakMap<V, Map<string, ReadyBody>>()
  return {
    of(value: V, variant: string, reply: FastifyReply, build: () => unknown): ReadyBody {
      let variants = bodies.get(value)
      const known = variants?.get(variant)
      if (known) return known
      const body = readyBody(reply.serialize(build()))
      if (!variants) bodies.set(value, (variants = new Map<string, ReadyBody>()))
      // The oldest variant goes first (counts that changed since, pages nobody asks again).
      if (variants.size >= MAX_VARIANTS) variants.delete(variants.keys().next().value!)
      variants.set(variant, body)
      return body
    },
  }
}
