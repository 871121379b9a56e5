import { Type } from '@sinclair/typebox'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { reqparse } from '../../http/reqparse.js'
import { Ok, Page, ok, pageArgs } from '../../http/schemas.js'
import { ArticleCardSchema } from '../articles/articles.schemas.js'
import { readingHistory } from './history.service.js'

const PageArgs = reqparse(pageArgs(10, 50))
const HistoryItem = Type.Composite([ArticleCardSchema, Type.Object({ is_liking: Type.Boolean() })])

/** The logged-in user's reading history (recorded by the article detail). */
export const historyRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)

  app.get(
    '/v1_0/user/histories',
    {
      schema: {
        tags: ['history'],
        security: [{ bearer: [] }],
        ...PageArgs.schema,
        response: { 200: Ok(Page(HistoryItem)) },
      },
      onRequest: app.requireUser,
    },
    async (request) => {
      const { page, per_page } = await PageArgs.parse(request)
      return ok(await readingHistory(deps, userIdOf(request), page, per_page))
    },
  )
}
