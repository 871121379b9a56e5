import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../../errors.js'
import { userIdOf } from '../../http/auth.js'
import { base64ImagesBodyLimit } from '../../http/body-limits.js'
import { typed, type Feature } from '../../http/feature.js'
import { readUploadedFiles } from '../../http/multipart.js'
import { readyBodies, sendReady, type ReadyBodies } from '../../http/ready-body.js'
import { maybe, orNull, reqparse } from '../../http/reqparse.js'
import {
  ArgError,
  date,
  intIn,
  mapType,
  matching,
  regex,
  type ArgType,
} from '../../http/reqparse-types.js'
import { Id, Ok, ok, storedId } from '../../http/schemas.js'
import { PathId, pathId } from '../../http/validation.js'
import { decodeBase64Image, sniffImage } from '../../infra/storage/images.js'
import {
  IMAGE_FIELDS,
  getCurrentUser,
  getFigure,
  getProfile,
  getUser,
  profileAnswer,
  updateProfile,
  type ProfileParts,
  type ImageField,
  type ProfilePatch,
} from './users.service.js'
import type { UserRecord } from './users.repo.js'

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

// The original's pattern, verbatim (`parser.id_number`).
const ID_NUMBER =
  '(^[1-9]\\d{5}(18|19|([23]\\d))\\d{2}((0[1-9])|(10|11|12))(([0-2][1-9])|10|20|30|31)\\d{3}[0-9Xx]$)|(^[1-9]\\d{5}\\d{2}((0[1-9])|(10|11|12))(([0-2][1-9])|10|20|30|31)\\d{2}$)'

/** `parser.image_base64`: base64 (or a data: URL) of an image; every failure is one text. */
const imageBase64: ArgType<Buffer> = {
  doc: 'base64 image',
  convert: async (value) => {
    const data = typeof value === 'string' ? decodeBase64Image(value) : null
    if (!data || !(await sniffImage(data))) throw new ArgError('Invalid image.')
    return data
  },
}

// reqparse stored a JSON null, and the handler's `if args.x:` skipped it.
const field = <T>(type: ArgType<T>) => orNull(maybe('json', type))

// The original's `^.{1, 60}$` refused every real text; this is the pattern it meant.
const INTRO = '^.{1,60}$'

const ProfileArgs = reqparse({
  name: field(regex('^.{1,7}$')),
  photo: field(imageBase64),
  gender: field(intIn([0, 1], 'Invalid gender.')),
  birthday: field(date),
  intro: field(regex(INTRO)),
  real_name: field(regex('^.{1,7}$')),
  id_number: field(
    mapType(
      matching(ID_NUMBER, () => 'Invalid id number.'),
      (id) => id.toUpperCase(),
    ),
  ),
  id_card_front: field(imageBase64),
  id_card_back: field(imageBase64),
  id_card_handheld: field(imageBase64),
})

const auth = { security: [{ bearer: [] }], tags: ['users'] }

/** The logged-in user's profile, photos and counts, and other users' public profiles. */
export const usersRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)
  // A cached record hands out one object until it changes: its answers are written once per
  // counts and relation, per route (`/user` and `/users/:id` answer different shapes).
  const answersOf =
    (bodies: ReadyBodies<UserRecord>) =>
    (request: FastifyRequest, reply: FastifyReply, parts: ProfileParts) => {
      const body = bodies.of(parts.user, parts.variant, reply, () => ok(profileAnswer(deps, parts)))
      return sendReady(request, reply, body)
    }
  const sendOwnProfile = answersOf(readyBodies())
  const sendProfile = answersOf(readyBodies())

  app.get(
    '/v1_0/user',
    { schema: { ...auth, response: { 200: Ok(PublicProfile) } }, onRequest: app.requireUser },
    async (request, reply) => {
      const parts = await getCurrentUser(deps, userIdOf(request))
      return sendOwnProfile(request, reply, parts)
    },
  )

  app.get(
    '/v1_0/users/:target',
    {
      schema: {
        ...auth,
        params: Type.Object({ target: PathId }),
        response: {
          200: Ok(
            Type.Composite([
              PublicProfile,
              Type.Object({ is_following: Type.Boolean(), is_blacklist: Type.Boolean() }),
            ]),
          ),
        },
      },
    },
    // No auth decorator in the original: a bad token is ignored, a valid one names the viewer.
    async (request, reply) => {
      const target = storedId(pathId(request.params.target))
      const parts = await getUser(deps, target, request.caller.claims?.userId ?? null)
      return sendProfile(request, reply, parts)
    },
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
      onRequest: app.requireUser,
    },
    async (request) => ok(await getProfile(deps, userIdOf(request))),
  )

  app.patch(
    '/v1_0/user/profile',
    {
      schema: { ...auth, ...ProfileArgs.schema },
      onRequest: app.requireUser,
      bodyLimit: base64ImagesBodyLimit(
        deps.config.uploadMaxBytes,
        Object.keys(IMAGE_FIELDS).length,
      ),
    },
    async (request, reply) => {
      const args = await ProfileArgs.parse(request)
      const images: ProfilePatch['images'] = {}
      for (const name of Object.keys(IMAGE_FIELDS) as ImageField[]) {
        const data = args[name]
        if (!data) continue
        // The same limit as a multipart upload of the file.
        if (data.length > deps.config.uploadMaxBytes) {
          throw new AppError(413, 'The uploaded file is too large.')
        }
        images[name] = data
      }
      const patch: ProfilePatch = { images }
      for (const name of [
        'name',
        'gender',
        'birthday',
        'intro',
        'real_name',
        'id_number',
      ] as const) {
        const value = args[name]
        if (value !== null && value !== undefined) Object.assign(patch, { [name]: value })
      }
      const result = await updateProfile(deps, userIdOf(request), patch)
      return reply.status(201).send(ok(result))
    },
  )

  app.patch(
    '/v1_0/user/photo',
    {
      schema: { ...auth, consumes: ['multipart/form-data'] },
      onRequest: app.requireUser,
    },
    async (request, reply) => {
      const images: ProfilePatch['images'] = {}
      // No files (or no multipart body at all) changes nothing: 201 with the id, as the original.
      if (request.isMultipart()) {
        const files = await readUploadedFiles(request, (field) =>
          Object.hasOwn(IMAGE_FIELDS, field),
        )
        for (const { field, data } of files) images[field as ImageField] = data
      }
      // `parser.image_file`, in the order the arguments were declared.
      for (const name of Object.keys(IMAGE_FIELDS) as ImageField[]) {
        const data = images[name]
        if (data && !(await sniffImage(data))) throw new AppError(400, { [name]: 'Invalid image.' })
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
      onRequest: app.requireUser,
    },
    async (request) => ok(await getFigure(deps, userIdOf(request))),
  )
}
