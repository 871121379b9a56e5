import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Deps } from '../../../deps.js'
import { typed } from '../../../http/feature.js'
import { Ok, ok } from '../../../http/schemas.js'
import { misPermission } from '../access/guard.js'
import { Flag, actorOf } from '../mis.schemas.js'
import { deleteRoute, listRoute } from '../route-factories.js'
import { listAdminChannels } from './channels.repo.js'
import { createChannel, editChannel, removeChannel } from './channels.service.js'

const Channel = Type.Object({
  channel_id: Type.String(),
  name: Type.String(),
  is_visible: Type.Integer(),
  sequence: Type.Integer(),
  article_count: Type.Integer(),
})
const ChannelId = Type.Integer({ minimum: 1, maximum: 2_147_483_647 })
const Params = Type.Object({ target: Type.String({ pattern: '^[0-9]{1,10}$' }) })
const Body = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 32 }),
  is_visible: Flag,
  sequence: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
})
const input = (body: { name: string; is_visible: number; sequence?: number | undefined }) => ({
  name: body.name,
  isVisible: body.is_visible,
  sequence: body.sequence,
})

/** Channels: list with article counts, create, edit, delete (evicting the app's channel caches). */
export async function channelsAdminRoutes(instance: FastifyInstance, { deps }: { deps: Deps }) {
  const app = typed(instance)
  const tags = ['mis content']
  const idOf = (text: string) => Math.min(Number(text), 2_147_483_647)

  listRoute(instance, deps, '/channels', {
    tags,
    summary: 'List channels with their article counts',
    filters: {
      channel_id: Type.Optional(ChannelId),
      keyword: Type.Optional(Type.String({ maxLength: 32 })),
      is_visible: Type.Optional(Flag),
    },
    key: 'channels',
    item: Channel,
    permission: 'channel-list-get',
    list: (db, { channel_id, keyword, is_visible, orderById }, page) =>
      listAdminChannels(
        db,
        { channelId: channel_id, keyword, isVisible: is_visible, orderById },
        page,
      ),
  })

  app.post(
    '/channels',
    {
      schema: { tags, summary: 'Create a channel', body: Body, response: { 201: Ok(Channel) } },
      onRequest: misPermission(deps, 'channel-list-post'),
    },
    async (request, reply) =>
      reply.status(201).send(ok(await createChannel(deps, actorOf(request), input(request.body)))),
  )

  app.put(
    '/channels/:target',
    {
      schema: {
        tags,
        summary: 'Edit a channel',
        params: Params,
        body: Body,
        response: { 201: Ok(Channel) },
      },
      onRequest: misPermission(deps, 'channel-list-put'),
    },
    async (request, reply) => {
      const channel = await editChannel(
        deps,
        actorOf(request),
        idOf(request.params.target),
        input(request.body),
      )
      return reply.status(201).send(ok(channel))
    },
  )

  deleteRoute(instance, deps, '/channels/:target', {
    tags,
    summary: 'Delete a channel no article uses',
    params: Params,
    permission: 'channel-list-delete',
    remove: (target, actor) => removeChannel(deps, actor, idOf(target)),
  })
}
