import { Type } from '@sinclair/typebox'
import { AppError } from '../../errors.js'
import { userIdOf } from '../../http/auth.js'
import { typed, type Feature } from '../../http/feature.js'
import { Id, IdParam, Ok, Page, PageQuery, ok, parseId } from '../../http/schemas.js'
import { createArticle, deleteOwnArticle, updateArticle } from '../article-lifecycle/index.js'
import {
  articleInput,
  authorArticle,
  authorArticlePage,
  readDraft,
  searchOwnArticles,
  type ListKind,
} from './mp-articles.service.js'
import { readListFilter } from './mp-list-filter.js'

const Cover = Type.Object({ type: Type.Integer(), images: Type.Array(Type.String()) })

// One item schema for the three list shapes (each carries its own subset).
const ListItem = Type.Object({
  id: Id,
  title: Type.String(),
  status: Type.Optional(Type.Integer()),
  cover: Type.Optional(Cover),
  pubdate: Type.Optional(Type.String()),
  comment_status: Type.Optional(Type.Boolean()),
  total_comment_count: Type.Optional(Type.Integer()),
  fans_comment_count: Type.Optional(Type.Integer()),
  comment_count: Type.Optional(Type.Integer()),
  read_count: Type.Optional(Type.Integer()),
  like_count: Type.Optional(Type.Integer()),
  repost_count: Type.Optional(Type.Integer()),
  collect_count: Type.Optional(Type.Integer()),
})

// The PC client's edit form sends back every field it read (`id` as a string too): ignored.
const ArticleBody = Type.Object({
  title: Type.String({ pattern: '.{5}', maxLength: 128 }),
  content: Type.String({ minLength: 1 }),
  cover: Type.Unknown({ description: '{type: -1|0|1|3, images: [public URLs]}' }),
  channel_id: Type.Unknown({ description: 'a visible channel' }),
})
const DraftQuery = Type.Object({ draft: Type.Optional(Type.String()) })
const Multi = Type.Optional(Type.Array(Type.String()))

const auth = { security: [{ bearer: [] }], tags: ['mp articles'] }

/** Authors write, list, open, edit, delete and search their own articles. */
export const mpArticlesRoutes: Feature = async (instance, { deps }) => {
  const app = typed(instance)
  // Before the body is read: a caller without a valid mp token costs no parsing.
  const guard = { onRequest: app.requireVerified }

  app.post(
    '/v1_0/articles',
    {
      schema: {
        ...auth,
        summary: 'Write an article: a draft (draft=true) or submitted for review',
        querystring: DraftQuery,
        body: ArticleBody,
        response: { 201: Ok(Type.Object({ id: Id })) },
      },
      ...guard,
    },
    async (request, reply) => {
      const input = articleInput(request.body, readDraft(request.query.draft))
      const id = await createArticle(deps, userIdOf(request), input)
      return reply.status(201).send(ok({ id }))
    },
  )

  app.get(
    '/v1_0/articles',
    {
      schema: {
        ...auth,
        summary: "The author's articles (status 4 lists the deleted ones)",
        querystring: Type.Composite([
          PageQuery(10, 50),
          Type.Object({
            status: Multi,
            channel_id: Multi,
            begin_pubdate: Type.Optional(Type.String()),
            end_pubdate: Type.Optional(Type.String()),
            response_type: Type.Optional(Type.String()),
          }),
        ]),
        response: { 200: Ok(Page(ListItem)) },
      },
      ...guard,
    },
    async (request) => {
      const { page, per_page, response_type } = request.query
      const filter = readListFilter(userIdOf(request), request.query)
      const kind: ListKind =
        response_type === 'comment' || response_type === 'statistic' ? response_type : 'default'
      return ok(await authorArticlePage(deps, filter, kind, { page, perPage: per_page }))
    },
  )

  app.get(
    '/v1_0/articles/:id',
    {
      schema: {
        ...auth,
        summary: 'An own article for editing ({} when there is none)',
        params: Type.Object({ id: IdParam }),
        response: {
          200: Ok(
            Type.Object({
              id: Type.Optional(Id),
              title: Type.Optional(Type.String()),
              cover: Type.Optional(Cover),
              channel_id: Type.Optional(Type.Integer()),
              content: Type.Optional(Type.String()),
            }),
          ),
        },
      },
      ...guard,
    },
    async (request) => ok(await authorArticle(deps, userIdOf(request), parseId(request.params.id))),
  )

  app.put(
    '/v1_0/articles/:id',
    {
      schema: {
        ...auth,
        summary: 'Rewrite an own article: back to draft or to review',
        params: Type.Object({ id: IdParam }),
        querystring: DraftQuery,
        body: ArticleBody,
        response: { 201: Ok(Type.Object({ id: Id })) },
      },
      ...guard,
    },
    async (request, reply) => {
      const id = parseId(request.params.id)
      if (id === null) throw new AppError(400, 'Invalid article.')
      const input = articleInput(request.body, readDraft(request.query.draft))
      await updateArticle(deps, userIdOf(request), id, input)
      return reply.status(201).send(ok({ id }))
    },
  )

  app.delete(
    '/v1_0/articles/:id',
    {
      schema: {
        ...auth,
        summary: 'Delete an own draft, pending or rejected article',
        params: Type.Object({ id: IdParam }),
      },
      ...guard,
    },
    async (request, reply) => {
      const id = parseId(request.params.id)
      if (id === null) throw new AppError(400, 'Invalid article.')
      await deleteOwnArticle(deps, userIdOf(request), id)
      return reply.status(204).send()
    },
  )

  app.get(
    '/v1_0/search',
    {
      schema: {
        ...auth,
        summary: "Search the author's own articles (any status but deleted)",
        querystring: Type.Composite([
          PageQuery(10, 50),
          Type.Object({ q: Type.String({ pattern: '^.{1,50}$' }) }),
        ]),
        response: { 200: Ok(Page(ListItem)) },
      },
      ...guard,
    },
    async (request) => {
      const { q, page, per_page } = request.query
      return ok(await searchOwnArticles(deps, userIdOf(request), q, { page, perPage: per_page }))
    },
  )
}
