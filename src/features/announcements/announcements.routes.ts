import { Type } from '@sinclair/typebox'
import { AppError } from '../../errors.js'
import { typed, type Feature } from '../../http/feature.js'
import { readyBodies, sendReady } from '../../http/ready-body.js'
import { reqparse } from '../../http/reqparse.js'
import { Ok, Page, ok, pageArgs } from '../../http/schemas.js'
import { PathId, pathId } from '../../http/validation.js'
import { cachedAnnouncement, cachedAnnouncements } from './announcements.cache.js'

const Summary = Type.Object({ id: Type.Integer(), title: Type.String(), pubdate: Type.String() })
const PageArgs = reqparse(pageArgs(10, 50))
const Detail = Type.Composite([Summary, Type.Object({ content: Type.String() })])

/** Published system announcements. */
export const announcementsRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)
  // The list is cached as one array: each page asked is written once per cached list.
  const pages = readyBodies<object>()

  app.get(
    '/v1_0/announcements',
    {
      schema: {
        tags: ['announcements'],
        ...PageArgs.schema,
        response: { 200: Ok(Page(Summary)) },
      },
    },
    async (request, reply) => {
      const { page, per_page } = await PageArgs.parse(request)
      const all = await cachedAnnouncements(deps)
      const body = pages.of(all, `${page},${per_page}`, reply, () => {
        const start = (page - 1) * per_page
        const results = all.slice(start, start + per_page)
        return ok({ total_count: all.length, page, per_page, results })
      })
      return sendReady(request, reply, body)
    },
  )

  app.get(
    '/v1_0/announcements/:target',
    {
      schema: {
        tags: ['announcements'],
        params: Type.Object({ target: PathId }),
        response: { 200: Ok(Detail) },
      },
    },
    async (request) => {
      // `<int:target>` takes any digits; an id too long to be stored is simply not there.
      const id = Number(pathId(request.params.target))
      const announcement = Number.isSafeInteger(id) ? await cachedAnnouncement(deps, id) : null
      if (!announcement) throw new AppError(400, 'Invalid announcement.')
      return ok(announcement)
    },
  )
}
