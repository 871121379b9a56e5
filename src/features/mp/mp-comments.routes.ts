import { Type } from '@sinclair/typebox'
import { AppError } from '../../errors.js'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { Id, IdInput, IdParam, Ok, ok, parseId } from '../../http/schemas.js'
import { setCommentsAllowed } from '../article-lifecycle/index.js'
import {
  CommentPageSchema,
  ListQuery,
  commentPage,
  createComment,
  deleteCommentAsAuthor,
  readQuery,
  stickComment,
} from '../comments/index.js'
import { likeComment, unlikeComment } from '../interactions/index.js'
import { articleOfComments } from './mp-comments.service.js'

const auth = { security: [{ bearer: [] }], tags: ['mp comments'] }
const NO_PERMISSION = 'User has no permission to delete this comment.'

/** Authors moderate the comments on their articles: switch, list, reply, delete, pin, like. */
export const mpCommentsRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)
  // Before the body is read: a caller without a valid mp token costs no parsing.
  const guard = { onRequest: app.requireVerified }

  app.put(
    '/v1_0/comments/status',
    {
      schema: {
        ...auth,
        summary: 'Switch comments on or off for an own approved article',
        querystring: Type.Object({ article_id: IdInput }),
        body: Type.Object({ allow_comment: Type.Boolean() }),
        response: {
          201: Ok(Type.Object({ article_id: Id, allow_comment: Type.Boolean() })),
        },
      },
      ...guard,
    },
    async (request, reply) => {
      const id = parseId(request.query.article_id)
      const allow = request.body.allow_comment
      if (id === null) throw new AppError(400, 'Invalid article status.')
      await setCommentsAllowed(deps, userIdOf(request), id, allow)
      return reply.status(201).send(ok({ article_id: id, allow_comment: allow }))
    },
  )

  app.get(
    '/v1_0/comments',
    {
      schema: {
        ...auth,
        summary: "An article's comments (with the article) or a comment's replies",
        querystring: ListQuery,
        response: {
          200: Ok(
            Type.Composite([
              CommentPageSchema,
              Type.Object({
                art_id: Type.Optional(Id),
                art_title: Type.Optional(Type.String()),
                art_pubdate: Type.Optional(Type.String()),
              }),
            ]),
          ),
        },
      },
      ...guard,
    },
    async (request) => {
      const query = readQuery(request.query)
      const page = await commentPage(deps, query, request.userId)
      const article = query.type === 'a' ? await articleOfComments(deps, query.source) : null
      return ok(article ? { ...page, ...article } : page)
    },
  )

  app.post(
    '/v1_0/comments',
    {
      schema: {
        ...auth,
        summary: 'Reply to a comment as the author',
        body: Type.Object({ target: IdInput, content: Type.String(), art_id: IdInput }),
        response: { 201: Ok(Type.Object({ com_id: Id, target: Id, art_id: Id })) },
      },
      ...guard,
    },
    async (request, reply) => {
      const { body } = request
      const input = { ...body, target: BigInt(body.target), art_id: BigInt(body.art_id) }
      const created = await createComment(deps, userIdOf(request), input).catch(
        (error: unknown) => {
          // The mp app answered a closed article with 403, the app with 400.
          if (error instanceof AppError && error.body === 'Article denied comment.')
            throw new AppError(403, 'Article denied comment.')
          throw error
        },
      )
      const { com_id, target, art_id } = created
      return reply.status(201).send(ok({ com_id, target, art_id }))
    },
  )

  app.delete(
    '/v1_0/comments/:id',
    { schema: { ...auth, params: Type.Object({ id: IdParam }) }, ...guard },
    async (request, reply) => {
      const id = parseId(request.params.id)
      if (id === null) throw new AppError(403, NO_PERMISSION)
      await deleteCommentAsAuthor(deps, userIdOf(request), id)
      return reply.status(204).send()
    },
  )

  app.put(
    '/v1_0/comments/:id/sticky',
    {
      schema: {
        ...auth,
        params: Type.Object({ id: IdParam }),
        body: Type.Object({ sticky: Type.Boolean() }),
        response: { 200: Ok(Type.Object({ target: Id, sticky: Type.Boolean() })) },
      },
      ...guard,
    },
    async (request) => {
      const id = parseId(request.params.id)
      if (id === null) throw new AppError(403, NO_PERMISSION)
      return ok(await stickComment(deps, userIdOf(request), id, request.body.sticky))
    },
  )

  app.post(
    '/v1_0/comment/likings',
    {
      schema: {
        ...auth,
        body: Type.Object({ target: IdInput }),
        response: { 201: Ok(Type.Object({ target: Id })) },
      },
      ...guard,
    },
    async (request, reply) => {
      const target = parseId(request.body.target)
      return reply.status(201).send(ok(await likeComment(deps, userIdOf(request), target)))
    },
  )

  app.delete(
    '/v1_0/comment/likings/:id',
    { schema: { ...auth, params: Type.Object({ id: IdParam }) }, ...guard },
    async (request, reply) => {
      await unlikeComment(deps, userIdOf(request), parseId(request.params.id))
      return reply.status(204).send()
    },
  )
}
