import { Type } from '@sinclair/typebox'
import type { MultipartFile } from '@fastify/multipart'
import { AppError } from '../../errors.js'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { Id, IdParam, Ok, ok, parseId } from '../../http/schemas.js'
import { decodeBase64Image } from '../../infra/storage/images.js'
import {
  IMAGE_FIELDS,
  getCurrentUser,
  getFigure,
  getProfile,
  getUser,
  updateProfile,
  type ImageField,
  type ProfilePatch,
} from './users.service.js'

const PublicProfile = Type.Object({
  id: Id,
  name: Type.String(),
  photo: Type.String(),
  is_media: Type.Boolean(),
  intro: Type.String(),
  certi: Type.String(),
  art_count: Type.Integer(),
  follow_count: Type.Integer(),
  fans_count: Type.Integer(),
  like_count: Type.Integer(),
})

const ID_NUMBER =
  '^[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]$'
const base64Image = Type.String({ minLength: 1, description: 'base64 image' })

const ProfileBody = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: '^.{1,7}$' })),
    photo: Type.Optional(base64Image),
    gender: Type.Optional(Type.Integer({ minimum: 0, maximum: 1 })),
    birthday: Type.Optional(Type.String({ format: 'date' })),
    intro: Type.Optional(Type.String({ pattern: '^.{0,60}$' })),
    real_name: Type.Optional(Type.String({ pattern: '^.{1,7}$' })),
    id_number: Type.Optional(Type.String({ pattern: ID_NUMBER })),
    id_card_front: Type.Optional(base64Image),
    id_card_back: Type.Optional(base64Image),
    id_card_handheld: Type.Optional(base64Image),
  },
  { additionalProperties: false },
)

const auth = { security: [{ bearer: [] }], tags: ['users'] }

/** The logged-in user's profile, photos and counts, and other users' public profiles. */
export const usersRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)

  app.get(
    '/v1_0/user',
    { schema: { ...auth, response: { 200: Ok(PublicProfile) } }, preHandler: app.requireUser },
    async (request) => ok(await getCurrentUser(deps, userIdOf(request))),
  )

  app.get(
    '/v1_0/users/:target',
    {
      schema: {
        ...auth,
        params: Type.Object({ target: IdParam }),
        response: {
          200: Ok(
            Type.Composite([
              PublicProfile,
              Type.Object({ is_following: Type.Boolean(), is_blacklist: Type.Boolean() }),
            ]),
          ),
        },
      },
      preHandler: app.optionalUser,
    },
    async (request) => ok(await getUser(deps, parseId(request.params.target), request.userId)),
  )

  app.get(
    '/v1_0/user/profile',
    {
      schema: {
        ...auth,
        response: {
          200: Ok(
            Type.Object({
              id: Id,
              name: Type.String(),
              photo: Type.String(),
              mobile: Type.String(),
              gender: Type.Integer(),
              birthday: Type.String(),
              intro: Type.String(),
            }),
          ),
        },
      },
      preHandler: app.requireUser,
    },
    async (request) => ok(await getProfile(deps, userIdOf(request))),
  )

  app.patch(
    '/v1_0/user/profile',
    { schema: { ...auth, body: ProfileBody }, preHandler: app.requireUser },
    async (request, reply) => {
      const { photo, id_card_front, id_card_back, id_card_handheld, ...fields } = request.body
      const images: ProfilePatch['images'] = {}
      const encoded = { photo, id_card_front, id_card_back, id_card_handheld }
      for (const [field, text] of Object.entries(encoded) as [ImageField, string | undefined][]) {
        if (text === undefined) continue
        const data = decodeBase64Image(text)
        if (!data) throw new AppError(400, { [field]: `Invalid ${field} image.` })
        // The same limit as a multipart upload of the file.
        if (data.length > deps.config.uploadMaxBytes) {
          throw new AppError(413, 'The uploaded file is too large.')
        }
        images[field] = data
      }
      const result = await updateProfile(deps, userIdOf(request), { ...fields, images })
      return reply.status(201).send(ok(result))
    },
  )

  app.patch(
    '/v1_0/user/photo',
    {
      schema: { ...auth, consumes: ['multipart/form-data'] },
      preHandler: app.requireUser,
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError(400, { photo: 'Invalid photo image.' })
      const images: ProfilePatch['images'] = {}
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue
        if (Object.hasOwn(IMAGE_FIELDS, part.fieldname)) {
          images[part.fieldname as ImageField] = await (part as MultipartFile).toBuffer()
        } else {
          // An unread file would stall the parser: discard the ones we do not take.
          part.file.resume()
        }
      }
      const result = await updateProfile(deps, userIdOf(request), { images })
      return reply.status(201).send(ok(result))
    },
  )

  app.get(
    '/v1_0/user/figure',
    {
      schema: {
        ...auth,
        response: {
          200: Ok(Type.Object({ fans_count: Type.Integer(), read_count: Type.Integer() })),
        },
      },
      preHandler: app.requireUser,
    },
    async (request) => ok(await getFigure(deps, userIdOf(request))),
  )
}
