import { Type } from '@sinclair/typebox'
import { AppError } from '../../errors.js'
import { typed, type Feature } from '../../http/feature.js'
import { Ok, Page, PageQuery, ok } from '../../http/schemas.js'
import { cachedAnnouncement, cachedAnnouncements } from './announcements.cache.js'

const Summary = Type.Object({ id: Type.Integer(), title: Type.String(), pubdate: Type.String() })
const Detail = Type.Composite([Summary, Type.Object({ content: Type.String() })])

/** Published system announcements. */
export const announcementsRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)

  app.get(
    '/v1_0/announcements',
    {
      schema: {
        tags: ['announcements'],
        querystring: PageQuery(10, 50),
        response: { 200: Ok(Page(Summary)) },
      },
    },
    async (request) => {
      const { page, per_page } = request.query
      const all = await cachedAnnouncements(deps)
      const start = (page - 1) * per_page
      return ok({
        total_count: all.length,
        page,
        per_page,
        results: all.slice(start, start + per_page),
      })
    },
  )

  app.get(
    '/v1_0/announcements/:target',
    {
      schema: {
        tags: ['announcements'],
        params: Type.Object({ target: Type.String({ pattern: '^[0-9]+$' }) }),
        response: { 200: Ok(Detail) },
      },
    },
    async (request) => {
      // `<int:target>` takes any digits; an id too long to be stored is simply not there.
      const id = Number(request.params.target)
      const announcement = Number.isSafeInteger(id) ? await cachedAnnouncement(deps, id) : null
      if (!announcement) throw new AppError(400, 'Invalid announcement.')
      return ok(announcement)
    },
  )
}
