import { Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import { AppError } from '../../errors.js'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { sendJsonText } from '../../http/json.js'
import { maybe, need, orNull, reqparse } from '../../http/reqparse.js'
import { pyInt } from '../../http/python.js'
import {
  ArgError,
  boolean,
  natural,
  positive,
  regex,
  type ArgType,
} from '../../http/reqparse-types.js'
import { Id, Message, Ok, Page, ok, pageArgs, storedId } from '../../http/schemas.js'
import { PathId, pathId } from '../../http/validation.js'
import { cachedAllChannels } from '../channels/channels.cache.js'
import { articleIdArg } from './article-id.js'
import { cachedUser } from '../users/users.cache.js'
import { ArticleCardSchema, FeedPageSchema } from './articles.schemas.js'
import { articleDetail } from './article-detail.js'
import { authorArticles, channelPage, feed, feedText, writeTrace } from './articles.service.js'

// `time.localtime(timestamp / 1000)` failing in the original; here, beyond the Date range.
const MAX_TIMESTAMP = 8_640_000_000_000_000n
const timestampOf = (timestamp: bigint) => {
  if (timestamp > MAX_TIMESTAMP) throw new AppError(400, 'timestamp param error')
  return Number(timestamp)
}
const JSON_TYPE = 'application/json; charset=utf-8'
const tags = ['articles']
const auth = { tags, security: [{ bearer: [] }] }

/** The feed, article detail and authors' article lists. */
export const articlesRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)
  // `parser.channel_id`: 0 (推荐) or a visible channel.
  const channelArg: ArgType<number> = {
    doc: '0 (推荐) or a channel id',
    convert: async (value) => {
      const result = pyInt(value)
      const id = result.ok ? result.value : -1n
      if (id === 0n) return 0
      const channels = id > 0n ? await cachedAllChannels(deps) : []
      if (!channels.some((channel) => BigInt(channel.id) === id)) {
        throw new ArgError('Invalid channel id.')
      }
      return Number(id)
    },
  }
  const FeedArgs = reqparse({
    channel_id: need('args', channelArg),
    timestamp: need('args', positive),
    with_top: need('args', boolean),
  })
  const ChannelPageArgs = reqparse({
    channel_id: need('args', channelArg),
    timestamp: maybe('args', positive),
    ...pageArgs(10, 50),
  })
  const DetailArgs = reqparse({ Trace: maybe('headers', regex('^.+$')) })
  const PageArgs = reqparse(pageArgs(10, 50))
  const DurationArgs = reqparse({
    Trace: need('headers', regex('^.+$')),
    duration: orNull(need('json', natural)),
    art_id: need('json', articleIdArg(deps)),
  })
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
        description: '`timestamp`: ms; now to refresh, `pre_timestamp` to scroll',
        ...FeedArgs.schema,
        response: { 200: Ok(FeedPageSchema) },
      },
      onRequest: app.optionalUser,
    },
    async (request, reply) => {
      const { channel_id, timestamp, with_top } = await FeedArgs.parse(request)
      // Already the JSON the schema serializer would write (feedText), so sent as text.
      const text = await feedText(deps, {
        userId: request.userId,
        device: request.caller.anonymousId,
        channelId: channel_id,
        timestamp: timestampOf(timestamp),
        withTop: with_top,
      })
      return reply.type(JSON_TYPE).send(text as never)
    },
  )

  app.get(
    '/v1_0/articles',
    {
      schema: {
        ...auth,
        summary: 'Channel articles: page numbers, or a timestamp cursor as /v1_1',
        ...ChannelPageArgs.schema,
      },
      onRequest: app.optionalUser,
    },
    async (request) => {
      const { channel_id, timestamp, page, per_page } = await ChannelPageArgs.parse(request)
      if (timestamp === undefined) return ok(await channelPage(deps, channel_id, page, per_page))
      return ok(await feedFor(request, channel_id, timestampOf(timestamp), false))
    },
  )

  app.get(
    '/v1_0/articles/:article_id',
    {
      schema: {
        ...auth,
        summary: 'Article detail (records the read)',
        params: Type.Object({ article_id: PathId }),
        ...DetailArgs.schema,
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
              recomments: Type.Array(Type.Object({ art_id: Id, title: Type.String() })),
            }),
          ),
        },
      },
      onRequest: app.optionalUser,
    },
    async (request, reply) => {
      const { Trace } = await DetailArgs.parse(request)
      const id = storedId(pathId(request.params.article_id))
      const detail = await articleDetail(deps, id, request.userId, reply)
      writeTrace(deps, Trace, { channelId: detail.chId })
      return sendJsonText(reply, detail.text)
    },
  )

  const articlePage = { 200: Ok(Page(ArticleCardSchema)) }

  app.get(
    '/v1_0/users/:user_id/articles',
    {
      schema: {
        tags,
        params: Type.Object({ user_id: PathId }),
        ...PageArgs.schema,
        response: articlePage,
      },
    },
    async (request) => {
      const userId = storedId(pathId(request.params.user_id))
      // The author is looked up before the page arguments are read, as in the original.
      if (userId === null || !(await cachedUser(deps, userId))) {
        throw new AppError(400, 'Invalid request.')
      }
      const { page, per_page } = await PageArgs.parse(request)
      return ok(await authorArticles(deps, userId, page, per_page))
    },
  )

  app.get(
    '/v1_0/user/articles',
    {
      schema: { ...auth, ...PageArgs.schema, response: articlePage },
      onRequest: app.requireUser,
    },
    async (request) => {
      const { page, per_page } = await PageArgs.parse(request)
      return ok(await authorArticles(deps, userIdOf(request), page, per_page))
    },
  )

  app.post(
    '/v1_0/reading/durations',
    {
      schema: {
        tags,
        summary: 'Report how long an article was read (trace log only)',
        ...DurationArgs.schema,
        response: { 201: Message },
      },
    },
    async (request, reply) => {
      const { Trace, duration, art_id } = await DurationArgs.parse(request)
      writeTrace(deps, Trace, {
        readTime: duration === null ? null : Number(duration),
        articleId: art_id.toString(),
      })
      return reply.status(201).send({ message: 'OK' })
    },
  )
}
