/** Helpers of the interactions tests (likes, collections, reports, comment likes). */
import type { FastifyInstance } from 'fastify'
import { expect } from 'vitest'
import type { TestApp } from './app.js'
import { exactJson } from './json.js'
import { login } from './login.js'
import { toId } from '../src/infra/db/values.js'
import type { CounterName } from '../src/infra/store/counters.js'
import { repairCounters } from '../src/jobs/counter-repair.js'

import type { Headers } from './inject.js'
export { send, type Headers } from './inject.js'

let mobiles = 0
/** A fresh user (registered by its first login) with no likes, collections or reports. */
export async function newUser(app: FastifyInstance) {
  return login(app, `134${String(++mobiles).padStart(8, '0')}`)
}

/** Approved articles (id and author), newest first, optionally not by `notBy`. */
export async function approvedArticles(t: TestApp, count: number, notBy?: bigint) {
  let query = t.deps.db.read
    .selectFrom('news_article_basic')
    .select(['article_id', 'user_id'])
    .where('status', '=', 2)
  if (notBy !== undefined) query = query.where('user_id', '!=', notBy.toString())
  const rows = await query.orderBy('create_time', 'desc').limit(count).execute()
  return rows.map((row) => ({ id: toId(row.article_id), author: toId(row.user_id) }))
}

/** Approved top-level comments. */
export async function approvedComments(t: TestApp, count: number, offset = 0) {
  const rows = await t.deps.db.read
    .selectFrom('news_comment')
    .select('comment_id')
    .where('status', '=', 1)
    .where('parent_id', 'is', null)
    .orderBy('comment_id')
    .limit(count)
    .offset(offset)
    .execute()
  return rows.map((row) => toId(row.comment_id))
}

/** `GET /v1_0/articles/:id` as the user sees it (exact ids). */
export async function articleDetail(
  app: FastifyInstance,
  id: bigint,
  auth: Headers,
  prefix = '',
): Promise<{ attitude: number | null; is_collected: boolean }> {
  const response = await app.inject({ url: `${prefix}/v1_0/articles/${id}`, headers: auth })
  expect(response.statusCode).toBe(200)
  return exactJson(response.body).data
}

/** The article's card (its counts) as its author's public article list shows it. */
export async function articleCard(
  app: FastifyInstance,
  article: { id: bigint; author: bigint },
): Promise<{ like_count: number; comm_count: number; collect_count: number }> {
  for (let page = 1; ; page += 1) {
    const response = await app.inject({
      url: `/v1_0/users/${article.author}/articles?page=${page}&per_page=50`,
    })
    const { results } = exactJson(response.body).data as { results: { art_id: bigint }[] }
    const card = results.find((item) => item.art_id === article.id)
    if (card) return card as never
    if (results.length === 0) throw new Error(`article ${article.id} not listed`)
  }
}

/** `GET /v1_0/article/collections` (exact ids). */
export async function collections(app: FastifyInstance, auth: Headers, query = '', prefix = '') {
  const response = await app.inject({
    url: `${prefix}/v1_0/article/collections${query}`,
    headers: auth,
  })
  expect(response.statusCode).toBe(200)
  return exactJson(response.body).data as {
    total_count: number
    page: number
    per_page: number
    results: { art_id: bigint; is_liking: boolean; collect_count: number }[]
  }
}

/** The counts of `ids` in each counter. */
export async function countsOf(
  t: TestApp,
  entries: readonly (readonly [CounterName, bigint])[],
): Promise<number[]> {
  return Promise.all(entries.map(([name, id]) => t.deps.counters.get(name, id)))
}

/** The counters hold exactly what the nightly repair recomputes from SQL. */
export async function expectRepairedAlike(
  t: TestApp,
  entries: readonly (readonly [CounterName, bigint])[],
) {
  const live = await countsOf(t, entries)
  await repairCounters(t.deps, [...new Set(entries.map(([name]) => name))])
  expect(await countsOf(t, entries)).toEqual(live)
}
