import { Type } from '@sinclair/typebox'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { Id, IdInput, IdParam, Ok, Page, PageQuery, ok, parseId } from '../../http/schemas.js'
import { ArticleCardSchema } from '../articles/articles.schemas.js'
import { ATTITUDE } from './attitudes.cache.js'
import {
  cancelArticleAttitude,
  collectArticle,
  collectionsPage,
  likeComment,
  reportArticle,
  setArticleAttitude,
  uncollectArticle,
  unlikeComment,
} from './interactions.service.js'

const TargetBody = Type.Object({ target: IdInput })
const TargetParams = Type.Object({ target: IdParam })
const Created = { 201: Ok(Type.Object({ target: Id })) }
const CollectedCard = Type.Composite([
  ArticleCardSchema,
  Type.Object({ is_liking: Type.Boolean() }),
])
const tags = ['interactions']
const auth = { tags, security: [{ bearer: [] }] }

/** Likes, dislikes, collections and reports of articles; likes of comments. */
export const interactionsRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)
  const guarded = { preHandler: app.requireUser }

  const attitudes = { likings: ATTITUDE.like, dislikes: ATTITUDE.dislike } as const
  for (const [path, attitude] of Object.entries(attitudes)) {
    app.post(
      `/v1_0/article/${path}`,
      { schema: { ...auth, body: TargetBody, response: Created }, ...guarded },
      async (request, reply) => {
        const target = parseId(request.body.target)
        const result = await setArticleAttitude(deps, userIdOf(request), target, attitude)
        return reply.status(201).send(ok(result))
      },
    )
    app.delete(
      `/v1_0/article/${path}/:target`,
      { schema: { ...auth, params: TargetParams }, ...guarded },
      async (request, reply) => {
        const target = parseId(request.params.target)
        await cancelArticleAttitude(deps, userIdOf(request), target, attitude)
        return reply.status(204).send()
      },
    )
  }

  app.post(
    '/v1_0/article/collections',
    {
      schema: {
        ...auth,
        body: TargetBody,
        headers: Type.Object({ trace: Type.Optional(Type.String({ maxLength: 2000 })) }),
        response: Created,
      },
      ...guarded,
    },
    async (request, reply) => {
      const target = parseId(request.body.target)
      const result = await collectArticle(deps, userIdOf(request), target, request.headers.trace)
      return reply.status(201).send(ok(result))
    },
  )

  app.get(
    '/v1_0/article/collections',
    {
      schema: {
        ...auth,
        querystring: PageQuery(10, 50),
        response: { 200: Ok(Page(CollectedCard)) },
      },
      ...guarded,
    },
    async (request) => {
      const { page, per_page } = request.query
      return ok(await collectionsPage(deps, userIdOf(request), page, per_page))
    },
  )

  app.delete(
    '/v1_0/article/collections/:target',
    { schema: { ...auth, params: TargetParams }, ...guarded },
    async (request, reply) => {
      await uncollectArticle(deps, userIdOf(request), parseId(request.params.target))
      return reply.status(204).send()
    },
  )

  app.post(
    '/v1_0/article/reports',
    {
      schema: {
        ...auth,
        body: Type.Object({
          target: IdInput,
          // Checked by the service, which answers the original's `Invalid report type.`.
          type: Type.Unknown({ description: 'integer 0..8; 0 (other) keeps the remark' }),
          remark: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 201: Ok(Type.Object({ target: Id, type: Type.Integer() })) },
      },
      ...guarded,
    },
    async (request, reply) => {
      const { target, type, remark } = request.body
      const result = await reportArticle(deps, userIdOf(request), {
        target: parseId(target),
        type,
        remark,
      })
      return reply.status(201).send(ok(result))
    },
  )

  app.post(
    '/v1_0/comment/likings',
    { schema: { ...auth, body: TargetBody, response: Created }, ...guarded },
    async (request, reply) => {
      const result = await likeComment(deps, userIdOf(request), parseId(request.body.target))
      return reply.status(201).send(ok(result))
    },
  )

  app.delete(
    '/v1_0/comment/likings/:target',
    { schema: { ...auth, params: TargetParams }, ...guarded },
    async (request, reply) => {
      await unlikeComment(deps, userIdOf(request), parseId(request.params.target))
      return reply.status(204).send()
    },
  )
}
