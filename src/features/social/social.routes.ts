import { Type } from '@sinclair/typebox'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { need, reqparse } from '../../http/reqparse.js'
import { Id, Ok, Page, ok, pageArgs, storedId } from '../../http/schemas.js'
import { PathId, pathId } from '../../http/validation.js'
import { userIdArg } from '../users/user-id.js'
import { blacklist, follow, followListPage, unblacklist, unfollow } from './social.service.js'

const TargetParams = Type.Object({ target: PathId })
const PageArgs = reqparse(pageArgs(10, 50))
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
  const guarded = { onRequest: app.requireUser }
  const TargetArgs = reqparse({ target: need('json', userIdArg(deps)) })
  const targetOf = (text: string) => storedId(pathId(text))

  app.post(
    '/v1_0/user/followings',
    { schema: { ...auth, ...TargetArgs.schema, response: { 201: Target } }, ...guarded },
    async (request, reply) => {
      const { target } = await TargetArgs.parse(request)
      const result = await follow(deps, userIdOf(request), target)
      return reply.status(201).send(ok(result))
    },
  )

  app.delete(
    '/v1_0/user/followings/:target',
    { schema: { ...auth, params: TargetParams }, ...guarded },
    async (request, reply) => {
      await unfollow(deps, userIdOf(request), targetOf(request.params.target))
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
          ...PageArgs.schema,
          response: { 200: Ok(Page(FollowItem)) },
        },
        ...guarded,
      },
      async (request) => {
        const { page, per_page } = await PageArgs.parse(request)
        return ok(await followListPage(deps, side, userIdOf(request), page, per_page))
      },
    )
  }

  app.post(
    '/v1_0/user/blacklists',
    { schema: { ...auth, ...TargetArgs.schema, response: { 201: Target } }, ...guarded },
    async (request, reply) => {
      const { target } = await TargetArgs.parse(request)
      const result = await blacklist(deps, userIdOf(request), target)
      return reply.status(201).send(ok(result))
    },
  )

  app.delete(
    '/v1_0/user/blacklists/:target',
    { schema: { ...auth, params: TargetParams }, ...guarded },
    async (request, reply) => {
      await unblacklist(deps, userIdOf(request), targetOf(request.params.target))
      return reply.status(204).send()
    },
  )
}
