import type { FastifyInstance } from 'fastify'
import { createArticle } from '../src/features/article-lifecycle/index.js'
import type { TestApp } from './app.js'
import { exactJson } from './json.js'
import { login } from './login.js'

/** The channel review tests publish in (人工智能). */
export const REVIEW_CHANNEL = 13

/** An article submitted for review by the demo author; returns its id. */
export async function pendingArticle(
  t: TestApp,
  title: string,
  content = '<p>审核流程的正文。</p>',
) {
  const author = (await login(t.app, '13911111111')).userId
  const input = {
    title,
    content,
    cover: { type: 0, images: [] },
    channelId: REVIEW_CHANNEL,
    draft: false,
  }
  return createArticle(t.deps, author, input)
}

/** Article ids of a fresh viewer's first feed pages in the review channel. */
export async function feedIds(app: FastifyInstance, mobile: string): Promise<bigint[]> {
  const viewer = await login(app, mobile)
  const ids: bigint[] = []
  let timestamp = Date.now()
  for (let page = 0; page < 3; page++) {
    const response = await app.inject({
      url: `/v1_1/articles?channel_id=${REVIEW_CHANNEL}&timestamp=${timestamp}&with_top=0`,
      headers: viewer.auth,
    })
    const data = exactJson(response.body).data as {
      pre_timestamp: number
      results: { art_id: bigint }[]
    }
    ids.push(...data.results.map((item) => item.art_id))
    timestamp = data.pre_timestamp
  }
  return ids
}

/** Article ids the app's search finds for `q`. */
export async function searchIds(app: FastifyInstance, q: string): Promise<bigint[]> {
  const response = await app.inject({ url: `/v1_0/search?q=${encodeURIComponent(q)}&per_page=50` })
  if (response.statusCode !== 200) return []
  return (exactJson(response.body).data as { results: { art_id: bigint }[] }).results.map(
    (r) => r.art_id,
  )
}
