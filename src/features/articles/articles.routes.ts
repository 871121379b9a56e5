import { Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import { AppError } from '../../errors.js'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import {
  Id,
  IdInput,
  IdParam,
  Message,
  Ok,
  Page,
  PageQuery,
  ok,
  parseId,
} from '../../http/schemas.js'
import { cachedUser } from '../users/users.cache.js'
import { ArticleCardSchema, FeedItemSchema } from './articles.schemas.js'
import { articleDetail, authorArticles, channelPage, feed, writeTrace } from './articles.service.js'

const ChannelId = Type.Integer({ minimum: 0, maximum: 2_147_483_647 })
const Timestamp = Type.Integer({
  minimum: 1,
  description: 'ms; now to refresh, pre_timestamp to scroll',
})
const FeedPage = Type.Object({ pre_timestamp: Type.Integer(), results: Type.Array(FeedItemSchema) })
const tags = ['articles']
const auth = { tags, security: [{ bearer: [] }] }

const truthy = (value: string | undefined) => value === 'true' || value === '1'

/** The feed, article detail and authors' article lists. */
export const articlesRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)
  const feedFor = (
    request: FastifyRequest,
    channelId: number,
    timestamp: number,
    withTop: boolean,
  ) =>
    feed(deps, {
      userId: request.userId,
      device: request.caller.anonymousId,
      channelId,
      timestamp,
      withTop,
    })

  app.get(
    '/v1_1/articles',
    {
      schema: {
        ...auth,
        summary: 'Recommended feed (timestamp cursor)',
        querystring: Type.Object({
          channel_id: ChannelId,
          timestamp: Timestamp,
          with_top: Type.Optional(Type.String({ pattern: '^(true|false|0|1)$' })),
        }),
        response: { 200: Ok(FeedPage) },
      },
      preHandler: app.optionalUser,
    },
    async (request) => {
      const { channel_id, timestamp, with_top } = request.query
      return ok(await feedFor(request, channel_id, timestamp, truthy(with_top)))
    },
  )

  app.get(
    '/v1_0/articles',
    {
      schema: {
        ...auth,
        summary: 'Channel articles: page numbers, or a timestamp cursor as /v1_1',
        querystring: Type.Composite([
          Type.Object({ channel_id: ChannelId, timestamp: Type.Optional(Timestamp) }),
          PageQuery(10, 50),
        ]),
      },
      preHandler: app.optionalUser,
    },
    async (request) => {
      const { channel_id, timestamp, page, per_page } = request.query
      if (timestamp === undefined) return ok(await channelPage(deps, channel_id, page, per_page))
      return ok(await feedFor(request, channel_id, timestamp, false))
    },
  )

  app.get(
    '/v1_0/articles/:article_id',
    {
      schema: {
        ...auth,
        summary: 'Article detail (records the read)',
        params: Type.Object({ article_id: IdParam }),
        headers: Type.Object({ trace: Type.Optional(Type.String({ maxLength: 2000 })) }),
        response: {
          200: Ok(
            Type.Object({
              art_id: Id,
              title: Type.String(),
              pubdate: Type.String(),
              content: Type.String(),
              aut_id: Id,
              aut_name: Type.String(),
              aut_photo: Type.String(),
              ch_id: Type.Integer(),
              is_followed: Type.Boolean(),
              attitude: Type.Union([Type.Integer(), Type.Null()]),
              is_collected: Type.Boolean(),
              comm_count: Type.Integer(),
              like_count: Type.Integer(),
              read_count: Type.Integer(),
              recomments: Type.Array(Type.Object({ art_id: Id, title: Type.String() })),
            }),
          ),
        },
      },
      preHandler: app.optionalUser,
    },
    async (request) => {
      const detail = await articleDetail(deps, parseId(request.params.article_id), request.userId)
      writeTrace(deps, request.headers.trace, { channelId: detail.ch_id })
      return ok(detail)
    },
  )

  const pageQuery = PageQuery(10, 50)
  const articlePage = { 200: Ok(Page(ArticleCardSchema)) }

  app.get(
    '/v1_0/users/:user_id/articles',
    {
      schema: {
        tags,
        params: Type.Object({ user_id: IdParam }),
        querystring: pageQuery,
        response: articlePage,
      },
    },
    async (request) => {
      const userId = parseId(request.params.user_id)
      if (userId === null || !(await cachedUser(deps, userId))) {
        throw new AppError(400, 'Invalid request.')
      }
      return ok(await authorArticles(deps, userId, request.query.page, request.query.per_page))
    },
  )

  app.get(
    '/v1_0/user/articles',
    {
      schema: { ...auth, querystring: pageQuery, response: articlePage },
      preHandler: app.requireUser,
    },
    async (request) =>
      ok(await authorArticles(deps, userIdOf(request), request.query.page, request.query.per_page)),
  )

  app.post(
    '/v1_0/reading/durations',
    {
      schema: {
        tags,
        summary: 'Report how long an article was read (trace log only)',
        headers: Type.Object({ trace: Type.String({ minLength: 1, maxLength: 2000 }) }),
        body: Type.Object({
          duration: Type.Integer({ minimum: 0, maximum: 86_400 }),
          art_id: IdInput,
        }),
        response: { 201: Message },
      },
    },
    async (request, reply) => {
      writeTrace(deps, request.headers.trace, {
        readTime: request.body.duration,
        articleId: request.body.art_id,
      })
      return reply.status(201).send({ message: 'OK' })
    },
  )
}
