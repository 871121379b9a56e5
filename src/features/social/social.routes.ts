import { Type } from '@sinclair/typebox'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { Id, IdInput, IdParam, Ok, Page, PageQuery, ok, parseId } from '../../http/schemas.js'
import { blacklist, follow, followListPage, unblacklist, unfollow } from './social.service.js'

const TargetBody = Type.Object({ target: IdInput })
const TargetParams = Type.Object({ target: IdParam })
const Target = Ok(Type.Object({ target: Id }))
const FollowItem = Type.Object({
  id: Id,
  name: Type.String(),
  photo: Type.String(),
  fans_count: Type.Integer(),
  mutual_follow: Type.Boolean(),
})
const auth = { security: [{ bearer: [] }], tags: ['social'] }

/** Follows, fans and the blacklist of the logged-in user. */
export const socialRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)
  const guarded = { preHandler: app.requireUser }

  app.post(
    '/v1_0/user/followings',
    { schema: { ...auth, body: TargetBody, response: { 201: Target } }, ...guarded },
    async (request, reply) => {
      const result = await follow(deps, userIdOf(request), request.body.target)
      return reply.status(201).send(ok(result))
    },
  )

  app.delete(
    '/v1_0/user/followings/:target',
    { schema: { ...auth, params: TargetParams }, ...guarded },
    async (request, reply) => {
      await unfollow(deps, userIdOf(request), parseId(request.params.target))
      return reply.status(204).send()
    },
  )

  const lists = { followings: '/v1_0/user/followings', followers: '/v1_0/user/followers' }
  for (const [side, url] of Object.entries(lists) as [keyof typeof lists, string][]) {
    app.get(
      url,
      {
        schema: {
          ...auth,
          querystring: PageQuery(10, 50),
          response: { 200: Ok(Page(FollowItem)) },
        },
        ...guarded,
      },
      async (request) => {
        const { page, per_page } = request.query
        return ok(await followListPage(deps, side, userIdOf(request), page, per_page))
      },
    )
  }

  app.post(
    '/v1_0/user/blacklists',
    { schema: { ...auth, body: TargetBody, response: { 201: Target } }, ...guarded },
    async (request, reply) => {
      const result = await blacklist(deps, userIdOf(request), request.body.target)
      return reply.status(201).send(ok(result))
    },
  )

  app.delete(
    '/v1_0/user/blacklists/:target',
    { schema: { ...auth, params: TargetParams }, ...guarded },
    async (request, reply) => {
      await unblacklist(deps, userIdOf(request), parseId(request.params.target))
      return reply.status(204).send()
    },
  )
}
