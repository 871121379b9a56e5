import { Type } from '@sinclair/typebox'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { sendJsonText } from '../../http/json.js'
import { maybe, need, orNull, reqparse, withDefault } from '../../http/reqparse.js'
import { intRange, oneOf, positive, str, type SyncArgType } from '../../http/reqparse-types.js'
import { Id, Ok, ok, storedId } from '../../http/schemas.js'
import { articleIdArg } from '../articles/article-id.js'
import { createComment, type CommentQuery } from './comments.service.js'
import { commentPageText } from './comments.text.js'

const LIMIT = { min: 10, max: 50 } as const

/** A page cursor: the id of a comment, written exactly from a bigint, or null. */
const Cursor = Type.Unsafe<bigint | null>({
  type: 'integer',
  nullable: true,
  description: 'the id of a comment (end_id: the last of the list; last_id: of this page)',
})

const CommentSchema = Type.Object({
  com_id: Id,
  aut_id: Id,
  aut_name: Type.String(),
  aut_photo: Type.String(),
  pubdate: Type.String(),
  content: Type.String(),
  is_top: Type.Integer(),
  like_count: Type.Integer(),
  reply_count: Type.Integer(),
  is_liking: Type.Boolean(),
})

export const CommentPageSchema = Type.Object({
  total_count: Type.Integer(),
  end_id: Cursor,
  last_id: Cursor,
  results: Type.Array(CommentSchema),
})

/**
 * `"123"` → `123`: json-bigint clients put big numbers into the URL as JSON strings. A quoted
 * value that the type function refuses is reported as it was sent.
 */
const quoted = <T>(type: SyncArgType<T>): SyncArgType<T> => ({
  doc: type.doc,
  convert: (value, name) => {
    const inner = typeof value === 'string' ? /^\s*"([^"]*)"\s*$/.exec(value)?.[1] : undefined
    if (inner !== undefined) {
      try {
        return type.convert(inner, name)
      } catch {
        // Fall through: the raw text gets the original's message.
      }
    }
    return type.convert(value, name)
  },
})

const ListArgs = reqparse({
  type: need('args', oneOf(['a', 'c'] as const, 'Invalid type param.')),
  source: need('args', quoted(positive)),
  // The last_id of the previous page (the original's scores still work).
  offset: maybe('args', quoted(positive)),
  limit: withDefault('args', quoted(intRange(LIMIT.min, LIMIT.max, 'limit')), LIMIT.min),
})

/** The list's query string (the media platform's comment list reads the same). */
export const ListQuery = ListArgs.schema.querystring

/** The list arguments read from a query string, as the original's reqparse read them. */
export function readQuery(query: unknown): CommentQuery {
  const { type, source, offset, limit } = ListArgs.parseQuery(query)
  // Beyond 64 bits no article or comment can match: an empty page, as for any unknown id.
  return { type, source: storedId(source), offset: offset ?? null, limit }
}

const tags = ['comments']

/** Comment lists (comment-id cursor) and new comments and replies. */
export const commentsRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)
  const NewCommentArgs = reqparse({
    target: need('json', positive),
    content: orNull(need('json', str)),
    art_id: maybe('json', articleIdArg(deps)),
  })

  app.get(
    '/v1_0/comments',
    {
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: "An article's comments or a comment's replies, highest score first",
        ...ListArgs.schema,
        response: { 200: Ok(CommentPageSchema) },
      },
      onRequest: app.optionalUser,
    },
    async (request, reply) => {
      const query = readQuery(request.query)
      return sendJsonText(reply, await commentPageText(deps, query, request.userId, reply))
    },
  )

  app.post(
    '/v1_0/comments',
    {
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: 'Comment on an article, or reply to a comment (with art_id)',
        ...NewCommentArgs.schema,
        response: {
          201: Ok(Type.Object({ com_id: Id, target: Id, art_id: Id, new_obj: CommentSchema })),
        },
      },
      onRequest: app.requireUser,
    },
    async (request, reply) => {
      const created = await createComment(
        deps,
        userIdOf(request),
        await NewCommentArgs.parse(request),
      )
      return reply.status(201).send(ok(created))
    },
  )
}
