import { Type } from '@sinclair/typebox'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { Ok, ok } from '../../http/schemas.js'
import { MAX_INT } from './channels.repo.js'
import {
  getAllChannels,
  getUserChannels,
  moveChannel,
  removeChannels,
  saveChannels,
} from './channels.service.js'

const ChannelList = Type.Object({
  channels: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
})
const PickList = Type.Object({
  channels: Type.Array(Type.Object({ id: Type.Integer(), seq: Type.Integer() })),
})
// The items are checked by `readPicks`, which answers with the original's own messages.
const PicksBody = Type.Object({ channels: Type.Optional(Type.Unknown()) })
// `<int:target>`: any digits; ids beyond the INT column are simply unknown channels.
const ChannelParam = Type.Object({ target: Type.String({ pattern: '^[0-9]+$' }) })
const channelIdOf = (target: string) => {
  const id = Number(target)
  return id <= MAX_INT ? id : -1
}
const auth = { security: [{ bearer: [] }], tags: ['channels'] }

/** All channels and the channels a user picked for their bar. */
export const channelsRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)

  app.get(
    '/v1_0/channels',
    { schema: { tags: ['channels'], response: { 200: Ok(ChannelList) } } },
    async () => ok(await getAllChannels(deps)),
  )

  for (const version of ['v1_0', 'v1_1']) {
    app.get(
      `/${version}/user/channels`,
      { schema: { ...auth, response: { 200: Ok(ChannelList) } }, preHandler: app.optionalUser },
      async (request) => ok(await getUserChannels(deps, request.userId)),
    )
  }

  const modes = { post: 'add', put: 'replace', patch: 'merge' } as const
  for (const [method, mode] of Object.entries(modes)) {
    app.route({
      method: method.toUpperCase() as 'POST' | 'PUT' | 'PATCH',
      url: '/v1_0/user/channels',
      schema: { ...auth, body: PicksBody, response: { 201: Ok(PickList) } },
      preHandler: app.requireUser,
      handler: async (request, reply) => {
        const result = await saveChannels(deps, userIdOf(request), request.body.channels, mode)
        return reply.status(201).send(ok(result))
      },
    })
  }

  app.delete(
    '/v1_0/user/channels',
    {
      schema: {
        ...auth,
        body: Type.Object({
          channels: Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 200 }),
        }),
      },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      await removeChannels(deps, userIdOf(request), request.body.channels)
      return reply.status(204).send()
    },
  )

  app.put(
    '/v1_0/user/channels/:target',
    {
      schema: {
        ...auth,
        params: ChannelParam,
        body: Type.Object({ seq: Type.Integer({ minimum: 1, maximum: MAX_INT }) }),
        response: { 201: Ok(Type.Object({ id: Type.Integer(), seq: Type.Integer() })) },
      },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      const id = channelIdOf(request.params.target)
      const result = await moveChannel(deps, userIdOf(request), id, request.body.seq)
      return reply.status(201).send(ok(result))
    },
  )

  app.delete(
    '/v1_0/user/channels/:target',
    { schema: { ...auth, params: ChannelParam }, preHandler: app.requireUser },
    async (request, reply) => {
      await removeChannels(deps, userIdOf(request), [channelIdOf(request.params.target)])
      return reply.status(204).send()
    },
  )
}
