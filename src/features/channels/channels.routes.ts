import { Type } from '@sinclair/typebox'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { appended, forcedJsonBody, need, reqparse } from '../../http/reqparse.js'
import { ArgError, mapType, positive } from '../../http/reqparse-types.js'
import { readyBodies, sendReady } from '../../http/ready-body.js'
import { Ok, ok } from '../../http/schemas.js'
import { PathId, pathId } from '../../http/validation.js'
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
// Read by `readPicks` with the original's own checks and texts (no reqparse there).
const PicksBody = Type.Unsafe({
  description: '{"channels": [{"id": <channel id>, "seq": <n ≥ 0>}]}',
})
// `<int:target>`: any digits; ids beyond the INT column are simply unknown channels.
const ChannelParam = Type.Object({ target: PathId })
const channelIdOf = (target: string) => {
  const id = pathId(target)
  return id <= BigInt(MAX_INT) ? Number(id) : -1
}
const SeqArgs = reqparse({
  seq: need(
    'json',
    mapType(positive, (seq, name) => {
      if (seq > BigInt(MAX_INT)) {
        throw new ArgError(
          `Invalid ${name}: ${seq}. ${name} must be within the range 1 - ${MAX_INT}`,
        )
      }
      return Number(seq)
    }),
  ),
})
const RemoveArgs = reqparse({ channels: appended(positive) })

const auth = { security: [{ bearer: [] }], tags: ['channels'] }

/** All channels and the channels a user picked for their bar. */
export const channelsRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)
  const allBodies = readyBodies<object>()

  app.get(
    '/v1_0/channels',
    { schema: { tags: ['channels'], response: { 200: Ok(ChannelList) } } },
    async (request, reply) => {
      const all = await getAllChannels(deps)
      const body = allBodies.of(all.channels, '', reply, () => ok(all))
      return sendReady(request, reply, body)
    },
  )

  for (const version of ['v1_0', 'v1_1']) {
    app.get(
      `/${version}/user/channels`,
      { schema: { ...auth, response: { 200: Ok(ChannelList) } }, onRequest: app.optionalUser },
      async (request) => ok(await getUserChannels(deps, request.userId)),
    )
  }

  const modes = { post: 'add', put: 'replace', patch: 'merge' } as const
  for (const version of ['v1_0', 'v1_1']) {
    for (const [method, mode] of Object.entries(modes)) {
      app.route({
        method: method.toUpperCase() as 'POST' | 'PUT' | 'PATCH',
        url: `/${version}/user/channels`,
        schema: { ...auth, body: PicksBody, response: { 201: Ok(PickList) } },
        onRequest: app.requireUser,
        handler: async (request, reply) => {
          const body = forcedJsonBody(request)
          const result = await saveChannels(deps, userIdOf(request), body, mode)
          return reply.status(201).send(ok(result))
        },
      })
    }

    app.delete(
      `/${version}/user/channels`,
      { schema: { ...auth, ...RemoveArgs.schema }, onRequest: app.requireUser },
      async (request, reply) => {
        const { channels } = await RemoveArgs.parse(request)
        const ids = channels.flatMap((id) =>
          id !== null && id <= BigInt(MAX_INT) ? [Number(id)] : [],
        )
        await removeChannels(deps, userIdOf(request), ids)
        return reply.status(204).send()
      },
    )
  }

  app.put(
    '/v1_0/user/channels/:target',
    {
      schema: {
        ...auth,
        params: ChannelParam,
        ...SeqArgs.schema,
        response: { 201: Ok(Type.Object({ id: Type.Integer(), seq: Type.Integer() })) },
      },
      onRequest: app.requireUser,
    },
    async (request, reply) => {
      const { seq } = await SeqArgs.parse(request)
      const id = channelIdOf(request.params.target)
      const result = await moveChannel(deps, userIdOf(request), id, seq)
      return reply.status(201).send(ok(result))
    },
  )

  app.delete(
    '/v1_0/user/channels/:target',
    { schema: { ...auth, params: ChannelParam }, onRequest: app.requireUser },
    async (request, reply) => {
      await removeChannels(deps, userIdOf(request), [channelIdOf(request.params.target)])
      return reply.status(204).send()
    },
  )
}
