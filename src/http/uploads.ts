import path from 'node:path'
import fastifyStatic from '@fastify/static'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Deps } from '../deps.js'
import { AppError, NOT_FOUND } from '../errors.js'
import { adminClaimsOf, isAdminAllowed } from '../features/mis/access/guard.js'
import { ID_IMAGES_CODE } from '../features/mis/people/legalizes.routes.js'
import { sniffImage } from '../infra/storage/images.js'

// Uploaded bytes are shown, never run: an image that is also HTML or script (a polyglot) must not
// be sniffed into a page, and nothing it references may load.
const UPLOAD_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; img-src 'self'; sandbox",
}

type UploadDeps = Pick<Deps, 'config' | 'storage' | 'db' | 'adminTokens'>

/**
 * Who may read a private upload of `owner`: the owner, and administrators allowed to see ID-card
 * images (`legalize-id-card-get`).
 */
async function mayReadPrivateUpload(
  deps: UploadDeps,
  request: FastifyRequest,
  owner: bigint,
): Promise<boolean> {
  if (request.userId !== null) return request.userId === owner
  return isAdminAllowed(deps, request, ID_IMAGES_CODE)
}

/**
 * `/uploads/<key>`: public files from the local upload folder, and private ones
 * (`/uploads/private/<owner>/<file>`, ID-card images) for a reader allowed to see them, with their
 * app or administrator token.
 * Call after the auth guards exist.
 */
export async function registerUploads(app: FastifyInstance, deps: UploadDeps): Promise<void> {
  await app.register(fastifyStatic, {
    root: path.join(deps.config.dataDir, 'uploads'),
    prefix: '/uploads/',
    decorateReply: false,
    maxAge: '7d',
    immutable: true,
    setHeaders: (response) => {
      for (const [name, value] of Object.entries(UPLOAD_HEADERS)) response.setHeader(name, value)
    },
  })

  app.get(
    '/uploads/private/:owner/:file',
    {
      schema: {
        hide: true,
        params: Type.Object({ owner: Type.String(), file: Type.String() }),
      },
      // An administrator's token is checked in the handler; any other caller must be a user.
      onRequest: async (request, reply) => {
        if (!adminClaimsOf(deps, request)) await app.requireUser.call(app, request, reply)
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const { owner, file } = request.params as { owner: string; file: string }
      const key = `private/${owner}/${file}`
      // Not found, rather than forbidden: others do not learn which files exist.
      if (
        !/^[1-9][0-9]{0,18}$/.test(owner) ||
        !(await mayReadPrivateUpload(deps, request, BigInt(owner)))
      ) {
        throw new AppError(404, NOT_FOUND)
      }
      const data = await deps.storage.readPrivate(key)
      if (!data) throw new AppError(404, NOT_FOUND)
      return reply
        .headers({ ...UPLOAD_HEADERS, 'cache-control': 'private, no-store' })
        .type((await sniffImage(data)) ?? 'application/octet-stream')
        .send(data)
    },
  )
}
