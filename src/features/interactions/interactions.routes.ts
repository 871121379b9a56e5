import { Type } from '@sinclair/typebox'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { maybe, need, orNull, reqparse } from '../../http/reqparse.js'
import { equalToOneOf, idOf, regex, str } from '../../http/reqparse-types.js'
import { Id, Ok, Page, ok, pageArgs, storedId } from '../../http/schemas.js'
import { PathId, pathId } from '../../http/validation.js'
import { articleIdArg } from '../articles/article-id.js'
import { ArticleCardSchema } from '../articles/articles.schemas.js'
import { ATTITUDE } from './attitudes.cache.js'
import {
  cancelArticleAttitude,
  collectArticle,
  collectionsPage,
  likeComment,
  REPORT_TYPES,
  reportArticle,
  setArticleAttitude,
  uncollectArticle,
  unlikeComment,
} from './interactions.service.js'

const TargetParams = Type.Object({ target: PathId })
const PageArgs = reqparse(pageArgs(10, 50))
const targetOf = (text: string) => storedId(pathId(text))
// `parser.comment_id` checks only the number; the service then requires an approved comment.
const commentId = idOf('Invalid target comment id.', () => true)
const REPORT_TYPE_LIST = Array.from({ length: REPORT_TYPES.max + 1 }, (_, type) => type)
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
  const guarded = { onRequest: app.requireUser }
  const articleId = articleIdArg(deps)
  const TargetArgs = reqparse({ target: need('json', articleId) })
  const CollectArgs = reqparse({
    target: need('json', articleId),
    Trace: maybe('headers', regex('^.+$')),
  })
  const ReportArgs = reqparse({
    target: need('json', articleId),
    type: need('json', equalToOneOf(REPORT_TYPE_LIST, 'Invalid report type.')),
    remark: orNull(maybe('json', str)),
  })
  const CommentArgs = reqparse({ target: need('json', commentId) })

  const attitudes = { likings: ATTITUDE.like, dislikes: ATTITUDE.dislike } as const
  for (const [path, attitude] of Object.entries(attitudes)) {
    app.post(
      `/v1_0/article/${path}`,
      { schema: { ...auth, ...TargetArgs.schema, response: Created }, ...guarded },
      async (request, reply) => {
        const { target } = await TargetArgs.parse(request)
        const result = await setArticleAttitude(deps, userIdOf(request), target, attitude)
        return reply.status(201).send(ok(result))
      },
    )
    app.delete(
      `/v1_0/article/${path}/:target`,
      { schema: { ...auth, params: TargetParams }, ...guarded },
      async (request, reply) => {
        const target = targetOf(request.params.target)
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
        ...CollectArgs.schema,
        response: Created,
      },
      ...guarded,
    },
    async (request, reply) => {
      const { target, Trace } = await CollectArgs.parse(request)
      const result = await collectArticle(deps, userIdOf(request), target, Trace)
      return reply.status(201).send(ok(result))
    },
  )

  app.get(
    '/v1_0/article/collections',
    {
      schema: {
        ...auth,
        ...PageArgs.schema,
        response: { 200: Ok(Page(CollectedCard)) },
      },
      ...guarded,
    },
    async (request) => {
      const { page, per_page } = await PageArgs.parse(request)
      return ok(await collectionsPage(deps, userIdOf(request), page, per_page))
    },
  )

  app.delete(
    '/v1_0/article/collections/:target',
    { schema: { ...auth, params: TargetParams }, ...guarded },
    async (request, reply) => {
      await uncollectArticle(deps, userIdOf(request), targetOf(request.params.target))
      return reply.status(204).send()
    },
  )

  app.post(
    '/v1_0/article/reports',
    {
      schema: {
        ...auth,
        ...ReportArgs.schema,
        response: { 201: Ok(Type.Object({ target: Id, type: Type.Integer() })) },
      },
      ...guarded,
    },
    async (request, reply) => {
      const { target, type, remark } = await ReportArgs.parse(request)
      const result = await reportArticle(deps, userIdOf(request), {
        target,
        type,
        remark: remark ?? undefined,
      })
      return reply.status(201).send(ok(result))
    },
  )

  app.post(
    '/v1_0/comment/likings',
    { schema: { ...auth, ...CommentArgs.schema, response: Created }, ...guarded },
    async (request, reply) => {
      const { target } = await CommentArgs.parse(request)
      const result = await likeComment(deps, userIdOf(request), storedId(target))
      return reply.status(201).send(ok(result))
    },
  )

  app.delete(
    '/v1_0/comment/likings/:target',
    { schema: { ...auth, params: TargetParams }, ...guarded },
    async (request, reply) => {
      await unlikeComment(deps, userIdOf(request), targetOf(request.params.target))
      return reply.status(204).send()
    },
  )
}
