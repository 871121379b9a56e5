import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { typed } from '../../../http/feature.js'
import { IdInput, IdParam, Ok, ok, requireId } from '../../../http/schemas.js'
import { readerUrl } from '../../../infra/storage/file-storage.js'
import { accessOf } from '../access/access.repo.js'
import { adminIdOf, misPermission } from '../access/guard.js'
import { actorOf } from '../mis.schemas.js'
import { listRoute } from '../route-factories.js'
import { getLegalize, listLegalizes } from './legalizes.repo.js'
import { reviewLegalizes } from './legalizes.service.js'

const INVALID = 'Invalid legalize id.'
/** The API point that lets an administrator see ID-card and qualification images. */
export const ID_IMAGES_CODE = 'legalize-id-card-get'
const IMAGE_FIELDS = ['id_card_front', 'id_card_back', 'id_card_handheld', 'qualification_img']

/** Real-name and qualification applications: list, review, one with its documents. */
export async function legalizesRoutes(instance: FastifyInstance, { deps }: { deps: Deps }) {
  const app = typed(instance)
  const tags = ['mis users']

  listRoute(instance, deps, '/legalizes', {
    tags,
    summary: 'List applications (status 1 processing, 2 approved, 3 rejected)',
    filters: { status: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })) },
    key: 'legalizes',
    permission: 'legalize-list-get',
    list: listLegalizes,
  })

  app.put(
    '/legalizes',
    {
      schema: {
        tags,
        summary: 'Approve (2) or reject (3) applications: is_verified / is_media follow',
        body: Type.Object({
          legalize_ids: Type.Array(IdInput, { minItems: 1, maxItems: 100 }),
          status: Type.Union([Type.Literal(2), Type.Literal(3)]),
          reject_reason: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 201: Ok(Type.Object({ count: Type.Integer() })) },
      },
      onRequest: misPermission(deps, 'legalize-list-put'),
    },
    async (request, reply) => {
      const { legalize_ids, status, reject_reason } = request.body
      const ids = legalize_ids.map((id) => requireId(id, INVALID))
      const count = await reviewLegalizes(deps, actorOf(request), ids, status, reject_reason)
      return reply.status(201).send(ok({ count }))
    },
  )

  app.get(
    '/legalizes/:target',
    {
      schema: {
        tags,
        summary: 'One application; ID images only for administrators holding legalize-id-card-get',
        params: Type.Object({ target: IdParam }),
      },
      onRequest: misPermission(deps, 'legalize-get'),
    },
    async (request) => {
      const found = await getLegalize(deps.db.read, requireId(request.params.target, INVALID))
      if (!found) throw new AppError(400, INVALID)
      const access = await accessOf(deps.db.write, adminIdOf(request), ID_IMAGES_CODE)
      const images = (record: Record<string, unknown> | undefined) => {
        if (!record) return record
        const shown = { ...record }
        for (const field of IMAGE_FIELDS) {
          if (!(field in shown)) continue
          const key = shown[field]
          shown[field] =
            access?.allowed && typeof key === 'string' && key
              ? readerUrl(deps.storage, deps.config.publicUrl, key)
              : null
        }
        return shown
      }
      const { item, ...documents } = found
      const detail =
        'user_profile' in documents
          ? { user_profile: images(documents.user_profile) ?? null }
          : { qualification: images(documents.qualification) ?? null }
      return ok({ ...item, ...detail })
    },
  )
}
