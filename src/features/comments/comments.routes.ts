import { Type, type Static } from '@sinclair/typebox'
import { AppError } from '../../errors.js'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { Id, IdInput, Ok, ok, parseId } from '../../http/schemas.js'
import { commentPage, createComment, type CommentQuery } from './comments.service.js'

const LIMIT = { min: 10, max: 50 } as const
const MISSING = 'Missing required parameter in the query string'

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

// Read by `readQuery` with the original's reqparse messages; numbers may come in literal quotes.
export const ListQuery = Type.Object({
  type: Type.Optional(Type.String({ description: 'a: comments of an article, c: replies' })),
  source: Type.Optional(Type.String({ description: 'article id (type a) or comment id (type c)' })),
  offset: Type.Optional(
    Type.String({ description: "last_id of the previous page (the original's scores still work)" }),
  ),
  limit: Type.Optional(Type.String({ description: `${LIMIT.min}..${LIMIT.max}, default 10` })),
})

const NewCommentBody = Type.Object({
  target: IdInput,
  content: Type.String(),
  art_id: Type.Optional(Type.Unknown({ description: 'the article, when replying to a comment' })),
})

const tags = ['comments']

/** `"123"` → `123`: json-bigint clients serialize big numbers as JSON strings into the URL. */
const unquote = (text: string) => {
  const trimmed = text.trim()
  return /^"[^"]*"$/.test(trimmed) ? trimmed.slice(1, -1).trim() : trimmed
}

/** flask_restful.inputs.positive, as a bigint. */
function positive(name: string, text: string): bigint {
  const value = unquote(text)
  if (!/^[+-]?\d+$/.test(value))
    throw new AppError(400, { [name]: `${text} is not a valid integer` })
  const number = BigInt(value)
  if (number < 1n) {
    throw new AppError(400, {
      [name]: `Invalid argument: ${number}. argument must be a positive integer`,
    })
  }
  return number
}

function readLimit(text: string | undefined): number {
  if (text === undefined || text === '') return LIMIT.min
  const value = unquote(text)
  if (!/^[+-]?\d+$/.test(value))
    throw new AppError(400, { limit: `${text} is not a valid integer` })
  const limit = Number(value)
  if (limit < LIMIT.min || limit > LIMIT.max) {
    throw new AppError(400, {
      limit: `Invalid limit: ${value}. limit must be within the range ${LIMIT.min} - ${LIMIT.max}`,
    })
  }
  return limit
}

/** The query as the original's reqparse read it (`bundle_errors` off: the first error wins). */
export function readQuery(query: Static<typeof ListQuery>): CommentQuery {
  if (query.type === undefined) throw new AppError(400, { type: MISSING })
  if (query.type !== 'a' && query.type !== 'c') {
    throw new AppError(400, { type: 'Invalid type param.' })
  }
  if (query.source === undefined) throw new AppError(400, { source: MISSING })
  const source = positive('source', query.source)
  const offset =
    query.offset === undefined || query.offset === '' ? null : positive('offset', query.offset)
  return {
    type: query.type,
    // Beyond 64 bits no article or comment can match: an empty page, as for any unknown id.
    source: parseId(source.toString()),
    offset,
    limit: readLimit(query.limit),
  }
}

/** Comment lists (comment-id cursor) and new comments and replies. */
export const commentsRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)

  app.get(
    '/v1_0/comments',
    {
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: "An article's comments or a comment's replies, highest score first",
        querystring: ListQuery,
        response: { 200: Ok(CommentPageSchema) },
      },
      preHandler: app.optionalUser,
    },
    async (request) => ok(await commentPage(deps, readQuery(request.query), request.userId)),
  )

  app.post(
    '/v1_0/comments',
    {
      schema: {
        tags,
        security: [{ bearer: [] }],
        summary: 'Comment on an article, or reply to a comment (with art_id)',
        body: NewCommentBody,
        response: {
          201: Ok(Type.Object({ com_id: Id, target: Id, art_id: Id, new_obj: CommentSchema })),
        },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      const created = await createComment(deps, userIdOf(request), request.body)
      return reply.status(201).send(ok(created))
    },
  )
}
