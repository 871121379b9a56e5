import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import type { Deps } from '../../../deps.js'
import { AppError } from '../../../errors.js'
import { typed } from '../../../http/feature.js'
import { Id, IdInput, IdParam, Message, Ok, ok, requireId } from '../../../http/schemas.js'
import { COUNTERS } from '../../../infra/store/counters.js'
import { reviewActionOf, reviewArticles, sensitiveHits } from '../../article-lifecycle/index.js'
import { adminIdOf, misPermission } from '../access/guard.js'
import { DateTimeText, NullableString, actorOf } from '../mis.schemas.js'
import { listRoute } from '../route-factories.js'
import { logOperation } from '../system/operation-log.repo.js'
import { getReviewArticle, listReviewArticles } from './articles.repo.js'

const Article = Type.Object({
  article_id: Id,
  title: Type.String(),
  name: Type.String(),
  channel_name: Type.String(),
  comment_count: Type.Integer(),
  update_time: Type.String(),
  status: Type.Integer(),
  /** Sensitive words found when the article was last submitted. */
  sensitive_words: Type.Array(Type.String()),
})
const INVALID = 'Invalid article id.'
const ACTION_NAMES = { approve: '通过', reject: '驳回', ban: '封禁', unban: '解封', delete: '删除' }

function statusList(text: string | undefined): number[] | undefined {
  if (text === undefined || text === '') return undefined
  const parts = text.split(',')
  if (parts.some((p) => !/^[0-5]$/.test(p.trim())))
    throw new AppError(403, 'status_list parameter error.')
  return parts.map((p) => Number(p))
}

/** Article review: the list with sensitive-word hits, one article, and batch status changes. */
export async function articlesReviewRoutes(instance: FastifyInstance, { deps }: { deps: Deps }) {
  const app = typed(instance)
  const tags = ['mis content']

  const withDetails = async <T extends { article_id: bigint }>(items: T[]) => {
    const ids = items.map((item) => item.article_id)
    const [hits, comments] = await Promise.all([
      sensitiveHits(deps, ids),
      deps.counters.getMany(COUNTERS.articleComments, ids),
    ])
    return items.map((item, i) => ({
      ...item,
      comment_count: comments[i] ?? 0,
      sensitive_words: (hits.get(item.article_id) ?? []).map((hit) => hit.word),
    }))
  }

  listRoute(instance, deps, '/articles', {
    tags,
    summary: 'Articles for review: title, channel (name), status_list (e.g. 1,3), begin/end',
    filters: {
      title: Type.Optional(Type.String({ maxLength: 128 })),
      channel: Type.Optional(Type.String({ maxLength: 32 })),
      status_list: Type.Optional(Type.String({ maxLength: 20 })),
      begin: Type.Optional(DateTimeText),
      end: Type.Optional(DateTimeText),
    },
    key: 'articles',
    item: Article,
    permission: 'article-list-get',
    list: async (db, { status_list, ...filter }, page) => {
      const statuses = statusList(status_list)
      const { items, total_count } = await listReviewArticles(db, { ...filter, statuses }, page)
      return { articles: await withDetails(items), total_count }
    },
  })

  app.put(
    '/articles',
    {
      schema: {
        tags,
        summary: 'Review a batch: 2 approve, 3 reject, 4 delete, 5 ban, 6 unban (all or nothing)',
        body: Type.Object({
          article_ids: Type.Array(IdInput, { minItems: 1, maxItems: 100 }),
          status: Type.Integer({ minimum: 1, maximum: 6 }),
          reject_reason: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 201: Message },
      },
      onRequest: misPermission(deps, 'article-list-put'),
    },
    async (request, reply) => {
      const { article_ids, status, reject_reason } = request.body
      const action = reviewActionOf(status)
      const ids = article_ids.map((id) => requireId(id, INVALID))
      const reviewerId = adminIdOf(request)
      const changes = await reviewArticles(deps, ids, action, { reviewerId, reason: reject_reason })
      if (changes.length > 0) {
        const changed = changes.map((change) => change.id).join(', ')
        await logOperation(
          deps.db.write,
          actorOf(request),
          '审核',
          `文章${ACTION_NAMES[action]}: ${changed}`,
        )
      }
      return reply.status(201).send({ message: 'OK' })
    },
  )

  app.get(
    '/articles/:target',
    {
      schema: {
        tags,
        summary: 'One article with its content, any status',
        params: Type.Object({ target: IdParam }),
        response: {
          200: Ok(
            Type.Composite([
              Article,
              Type.Object({ content: Type.String(), reject_reason: NullableString }),
            ]),
          ),
        },
      },
      onRequest: misPermission(deps, 'article-get'),
    },
    async (request) => {
      const article = await getReviewArticle(
        deps.db.read,
        requireId(request.params.target, INVALID),
      )
      if (!article) throw new AppError(400, INVALID)
      const [detailed] = await withDetails([article])
      return ok(detailed!)
    },
  )
}
