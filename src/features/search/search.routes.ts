import { Type } from '@sinclair/typebox'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { need, reqparse } from '../../http/reqparse.js'
import { regex } from '../../http/reqparse-types.js'
import { Message, Ok, Page, ok, pageArgs } from '../../http/schemas.js'
import { ArticleCardSchema } from '../articles/articles.schemas.js'
import { clearSearchHistory, searchHistory } from './search-history.js'
import { searchArticles, suggestions } from './search.service.js'

const tags = ['search']
const Keyword = need('args', regex('^.{1,50}$'))
const SearchArgs = reqparse({ q: Keyword, ...pageArgs(10, 50) })
const SuggestArgs = reqparse({ q: Keyword })
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
        ...SearchArgs.schema,
        response: { 200: Ok(Page(ArticleCardSchema)), ...Unavailable },
      },
      onRequest: app.optionalUser,
    },
    async (request) => {
      const { q, page, per_page } = await SearchArgs.parse(request)
      return ok(await searchArticles(deps, { q, page, perPage: per_page, userId: request.userId }))
    },
  )

  app.get(
    '/v1_0/suggestion',
    {
      schema: {
        tags,
        summary: 'Completions of a prefix (also pinyin or initials), else a spelling correction',
        ...SuggestArgs.schema,
        response: { 200: Ok(Type.Object({ options: Type.Array(Type.String()) })), ...Unavailable },
      },
    },
    async (request) => ok(await suggestions(deps, (await SuggestArgs.parse(request)).q)),
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
      onRequest: app.requireUser,
    },
    async (request) => ok({ keywords: await searchHistory(deps, userIdOf(request)) }),
  )

  app.delete(
    '/v1_0/search/histories',
    {
      schema: { tags, summary: "Clear the user's search history", security: [{ bearer: [] }] },
      onRequest: app.requireUser,
    },
    async (request, reply) => {
      await clearSearchHistory(deps, userIdOf(request))
      return reply.status(204).send()
    },
  )
}
