import { Type } from '@sinclair/typebox'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { Message, Ok, Page, ok } from '../../http/schemas.js'
import { ArticleCardSchema } from '../articles/articles.schemas.js'
import { clearSearchHistory, searchHistory } from './search-history.js'
import { searchArticles, suggestions } from './search.service.js'

const tags = ['search']
const Keyword = Type.String({ pattern: '^.{1,50}$', description: '1 to 50 characters' })
const Unavailable = { 503: Message }

/** Article search, suggestions and the user's search history. */
export const searchRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)

  app.get(
    '/v1_0/search',
    {
      schema: {
        tags,
        summary: 'Search approved articles (title weighted over body)',
        security: [{ bearer: [] }, {}],
        querystring: Type.Object({
          q: Keyword,
          page: Type.Integer({ minimum: 1, default: 1 }),
          per_page: Type.Integer({ minimum: 10, maximum: 50, default: 10 }),
        }),
        response: { 200: Ok(Page(ArticleCardSchema)), ...Unavailable },
      },
      preHandler: app.optionalUser,
    },
    async (request) => {
      const { q, page, per_page } = request.query
      return ok(await searchArticles(deps, { q, page, perPage: per_page, userId: request.userId }))
    },
  )

  app.get(
    '/v1_0/suggestion',
    {
      schema: {
        tags,
        summary: 'Completions of a prefix (also pinyin or initials), else a spelling correction',
        querystring: Type.Object({ q: Keyword }),
        response: { 200: Ok(Type.Object({ options: Type.Array(Type.String()) })), ...Unavailable },
      },
    },
    async (request) => ok(await suggestions(deps, request.query.q)),
  )

  app.get(
    '/v1_0/search/histories',
    {
      schema: {
        tags,
        summary: "The user's last 4 search keywords, newest first",
        security: [{ bearer: [] }],
        response: { 200: Ok(Type.Object({ keywords: Type.Array(Type.String()) })) },
      },
      preHandler: app.requireUser,
    },
    async (request) => ok({ keywords: await searchHistory(deps, userIdOf(request)) }),
  )

  app.delete(
    '/v1_0/search/histories',
    {
      schema: { tags, summary: "Clear the user's search history", security: [{ bearer: [] }] },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      await clearSearchHistory(deps, userIdOf(request))
      return reply.status(204).send()
    },
  )
}
