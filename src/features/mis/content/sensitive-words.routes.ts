import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { typed } from '../../../http/feature.js'
import { Id, IdParam, Ok, ok, requireId } from '../../../http/schemas.js'
import { isUniqueViolation } from '../../../infra/db/errors.js'
import type { Database } from '../../../infra/db/schema.js'
import { misPermission } from '../access/guard.js'
import { actorOf } from '../mis.schemas.js'
import { deleteRoute, listRoute } from '../route-factories.js'
import { logOperation } from '../system/operation-log.repo.js'
import {
  deleteWord,
  getWord,
  insertWord,
  listWords,
  updateWord,
  wordId,
} from './sensitive-words.repo.js'

const Word = Type.Object({
  id: Id,
  word: Type.String(),
  weights: Type.Integer(),
  hold_count: Type.Integer(),
  create_time: Type.String(),
  update_time: Type.String(),
})
const Body = Type.Object({
  word: Type.String({ minLength: 1, maxLength: 40, pattern: '\\S' }),
  weights: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }),
})
const Params = Type.Object({ target: IdParam })
const missing = (id: string) => new AppError(403, `${id} is not exists`)
const exists = (word: string) => new AppError(403, `${word} already exists`)

/** Sensitive words (checked when authors submit articles): list, create, read, edit, delete. */
export async function sensitiveWordsRoutes(instance: FastifyInstance, { deps }: { deps: Deps }) {
  const app = typed(instance)
  const tags = ['mis content']
  const write = async <T>(word: string, work: (trx: Kysely<Database>) => Promise<T>) => {
    try {
      return await deps.db.write.transaction().execute(work)
    } catch (error) {
      if (isUniqueViolation(error)) throw exists(word)
      throw error
    }
  }
  const idOf = (text: string) => requireId(text, `${text} is not exists`)

  listRoute(instance, deps, '/sensitive_words', {
    tags,
    summary: 'List sensitive words (word: part of the word)',
    filters: {
      word: Type.Optional(Type.String({ maxLength: 40 })),
    },
    key: 'words',
    item: Word,
    permission: 'sensitive-word-list-get',
    list: listWords,
  })

  app.post(
    '/sensitive_words',
    {
      schema: { tags, summary: 'Add a sensitive word', body: Body, response: { 201: Ok(Word) } },
      onRequest: misPermission(deps, 'sensitive-word-list-post'),
    },
    async (request, reply) => {
      const word = request.body.word.trim()
      const created = await write(word, async (trx) => {
        if ((await wordId(trx, word)) !== undefined) throw exists(word)
        const id = await insertWord(trx, word, request.body.weights)
        await logOperation(trx, actorOf(request), '新增', `新增敏感词: ${word} (${id})`)
        return (await getWord(trx, id))!
      })
      return reply.status(201).send(ok(created))
    },
  )

  app.get(
    '/sensitive_words/:target',
    {
      schema: { tags, summary: 'One sensitive word', params: Params, response: { 200: Ok(Word) } },
      onRequest: misPermission(deps, 'sensitive-word-get'),
    },
    async (request) => {
      const word = await getWord(deps.db.read, idOf(request.params.target))
      if (!word) throw missing(request.params.target)
      return ok(word)
    },
  )

  app.put(
    '/sensitive_words/:target',
    {
      schema: {
        tags,
        summary: 'Edit a sensitive word',
        params: Params,
        body: Body,
        response: { 201: Ok(Word) },
      },
      onRequest: misPermission(deps, 'sensitive-word-put'),
    },
    async (request, reply) => {
      const id = idOf(request.params.target)
      const word = request.body.word.trim()
      const edited = await write(word, async (trx) => {
        const current = await getWord(trx, id)
        if (!current) throw missing(request.params.target)
        const owner = await wordId(trx, word)
        if (owner !== undefined && owner !== id) throw exists(word)
        await updateWord(trx, id, word, request.body.weights)
        await logOperation(
          trx,
          actorOf(request),
          '修改',
          `修改敏感词: ${current.word} → ${word} (${id})`,
        )
        return (await getWord(trx, id))!
      })
      return reply.status(201).send(ok(edited))
    },
  )

  deleteRoute(instance, deps, '/sensitive_words/:target', {
    tags,
    summary: 'Delete a sensitive word',
    params: Params,
    permission: 'sensitive-word-delete',
    remove: async (target, actor) => {
      const id = idOf(target)
      await write('', async (trx) => {
        const current = await getWord(trx, id)
        if (!current) throw missing(target)
        await deleteWord(trx, id)
        await logOperation(trx, actor, '删除', `删除敏感词: ${current.word} (${id})`)
      })
    },
  })
}
