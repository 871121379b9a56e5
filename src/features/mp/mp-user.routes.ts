import type { MultipartFile } from '@fastify/multipart'
import { Type } from '@sinclair/typebox'
import { AppError } from '../../errors.js'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { Id, IdParam, Ok, Page, PageQuery, ok, parseId } from '../../http/schemas.js'
import { getAllChannels } from '../channels/index.js'
import { photoUrl, requireUser, updateProfile } from '../users/index.js'
import { followerGenders, listFollowers } from './followers.repo.js'
import { deleteMaterial, setCollected } from './materials.repo.js'
import { materialPage, uploadMaterial } from './materials.service.js'

const EMAIL = '^[A-Za-z0-9_.+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,6}$'
const auth = { security: [{ bearer: [] }], tags: ['mp user'] }
const Material = Type.Object({ id: Id, url: Type.String(), is_collected: Type.Boolean() })

/** The author's profile, photo, followers, channels and image library. */
export const mpUserRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)
  // Before the body is read: a caller without a valid mp token costs no parsing.
  const guard = { onRequest: app.requireVerified }

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
              intro: Type.String(),
              photo: Type.String(),
              email: Type.String(),
              mobile: Type.String(),
            }),
          ),
        },
      },
      ...guard,
    },
    async (request) => {
      const user = await requireUser(deps, userIdOf(request))
      const { id, name, intro, email, mobile } = user
      return ok({ id, name, intro, photo: photoUrl(deps, user), email, mobile })
    },
  )

  app.patch(
    '/v1_0/user/profile',
    {
      schema: {
        ...auth,
        body: Type.Object({
          name: Type.Optional(Type.String({ pattern: '^.{1,7}$' })),
          intro: Type.Optional(Type.String({ pattern: '^.{0,60}$' })),
          email: Type.Optional(Type.String({ pattern: EMAIL, maxLength: 20 })),
        }),
      },
      ...guard,
    },
    async (request, reply) => {
      const { name, intro, email } = request.body
      const result = await updateProfile(deps, userIdOf(request), {
        ...(name !== undefined && { name }),
        ...(intro !== undefined && { intro }),
        ...(email !== undefined && { email }),
        images: {},
      })
      return reply.status(201).send(ok(result))
    },
  )

  app.patch(
    '/v1_0/user/photo',
    { schema: { ...auth, consumes: ['multipart/form-data'] }, ...guard },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError(400, { photo: 'Invalid photo image.' })
      let photo: Buffer | undefined
      for await (const part of request.parts()) {
        if (part.type === 'file' && part.fieldname === 'photo' && photo === undefined) {
          photo = await (part as MultipartFile).toBuffer()
        } else if (part.type === 'file') {
          part.file.resume()
        }
      }
      const result = await updateProfile(deps, userIdOf(request), {
        images: photo ? { photo } : {},
      })
      return reply.status(201).send(ok(result))
    },
  )

  app.get(
    '/v1_0/followers',
    {
      schema: {
        ...auth,
        querystring: PageQuery(20, 50),
        response: {
          200: Ok(Page(Type.Object({ id: Id, name: Type.String(), photo: Type.String() }))),
        },
      },
      ...guard,
    },
    async (request) => {
      const { page, per_page } = request.query
      const { total, rows } = await listFollowers(
        deps.db.read,
        userIdOf(request),
        (page - 1) * per_page,
        per_page,
      )
      const results = rows.map((row) => ({ ...row, photo: photoUrl(deps, row) }))
      return ok({ total_count: total, page, per_page, results })
    },
  )

  app.get(
    '/v1_0/statistics/followers/gender',
    {
      schema: {
        ...auth,
        response: { 200: Ok(Type.Object({ male: Type.Integer(), female: Type.Integer() })) },
      },
      ...guard,
    },
    async (request) => ok(await followerGenders(deps.db.read, userIdOf(request))),
  )

  app.get(
    '/v1_0/channels',
    {
      schema: {
        tags: auth.tags,
        response: {
          200: Ok(
            Type.Object({
              channels: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
            }),
          ),
        },
      },
    },
    async () => ok(await getAllChannels(deps)),
  )

  app.post(
    '/v1_0/user/images',
    {
      schema: {
        ...auth,
        consumes: ['multipart/form-data'],
        response: { 201: Ok(Type.Object({ id: Id, url: Type.String() })) },
      },
      ...guard,
    },
    async (request, reply) => {
      const missing = { image: 'Missing required parameter in the post body or the query string' }
      if (!request.isMultipart()) throw new AppError(400, missing)
      let image: Buffer | undefined
      for await (const part of request.parts()) {
        if (part.type === 'file' && part.fieldname === 'image' && image === undefined) {
          image = await (part as MultipartFile).toBuffer()
        } else if (part.type === 'file') {
          part.file.resume()
        }
      }
      if (!image) throw new AppError(400, missing)
      return reply.status(201).send(ok(await uploadMaterial(deps, userIdOf(request), image)))
    },
  )

  app.get(
    '/v1_0/user/images',
    {
      schema: {
        ...auth,
        querystring: Type.Object({
          page: Type.Integer({ minimum: 1, maximum: 2_147_483_647, default: 1 }),
          per_page: Type.Integer({ minimum: 1, maximum: 50, default: 20 }),
          collect: Type.Optional(Type.String()),
        }),
        response: { 200: Ok(Page(Material)) },
      },
      ...guard,
    },
    async (request) => {
      const { page, per_page: perPage, collect } = request.query
      const collected = collect !== undefined && /^(true|1)$/i.test(collect)
      return ok(await materialPage(deps, userIdOf(request), collected, page, perPage))
    },
  )

  app.put(
    '/v1_0/user/images/:id',
    {
      schema: {
        ...auth,
        params: Type.Object({ id: IdParam }),
        body: Type.Object({ collect: Type.Boolean() }),
        response: { 201: Ok(Type.Object({ id: Id, collect: Type.Boolean() })) },
      },
      ...guard,
    },
    async (request, reply) => {
      const id = parseId(request.params.id)
      const { collect } = request.body
      if (id !== null) await setCollected(deps.db.write, userIdOf(request), id, collect)
      return reply.status(201).send(ok({ id: id ?? 0n, collect }))
    },
  )

  app.delete(
    '/v1_0/user/images/:id',
    { schema: { ...auth, params: Type.Object({ id: IdParam }) }, ...guard },
    async (request, reply) => {
      const id = parseId(request.params.id)
      if (id !== null) await deleteMaterial(deps.db.write, userIdOf(request), id)
      return reply.status(204).send()
    },
  )
}
