import { setImmediate } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { TEST_REDIS_URL } from '../../../test/env.js'
import { exactJson } from '../../../test/json.js'
import { send } from '../../../test/inject.js'
import { login } from '../../../test/login.js'

const WRITERS = 3
const READERS = 3
const WRITE_FOR_MS = 3000
const BURST_MS = 500
const SEEDED = 3000

/** The article's approved top-level comments in SQL: pinned first, then newest, then id. */
async function storedIds(t: TestApp, articleId: bigint): Promise<bigint[]> {
  const rows = await t.deps.db.write
    .selectFrom('news_comment')
    .select(['comment_id', 'create_time', 'is_top'])
    .where('article_id', '=', String(articleId))
    .where('parent_id', 'is', null)
    .where('status', '=', 1)
    .execute()
  return rows
    .map((row) => ({ id: BigInt(row.comment_id), time: `${row.is_top}${row.create_time}` }))
    .sort((a, b) => (a.time !== b.time ? (a.time > b.time ? -1 : 1) : a.id > b.id ? -1 : 1))
    .map((row) => row.id)
}

/** The article held thousands of comments: a list that takes a while to load. */
async function seedComments(t: TestApp, articleId: bigint) {
  const users = await t.deps.db.write.selectFrom('user_basic').select('user_id').execute()
  const base = Date.now() - 86_400_000
  for (let batch = 0; batch < SEEDED / 500; batch++) {
    const values = Array.from({ length: 500 }, (_, i) => {
      const time = new Date(base + (batch * 500 + i) * 1000).toISOString().slice(0, 19)
      return {
        comment_id: String(t.deps.ids.nextId()),
        user_id: String(users[i % users.length]?.user_id),
        article_id: String(articleId),
        parent_id: null,
        content: `旧评论 ${batch}.${i}`,
        is_top: 0,
        status: 1,
        create_time: time.replace('T', ' '),
        update_time: time.replace('T', ' '),
      }
    })
    await t.deps.db.write.insertInto('news_comment').values(values).execute()
  }
}

async function listPage(app: FastifyInstance, articleId: bigint, limit = 50) {
  const query = `type=a&source=${articleId}&limit=${limit}`
  const response = await app.inject({ url: `/v1_0/comments?${query}` })
  expect(response.statusCode).toBe(200)
  const data = exactJson(response.body).data
  return {
    total: data.total_count as number,
    ids: (data.results as { com_id: bigint | number }[]).map((item) => BigInt(item.com_id)),
  }
}

// Readers that load the list while writers add to it must never leave an old list cached: the
// issue seen was a reader storing the list it read before a write, after that write's delete.
describe('a comment list under concurrent writes and reads', () => {
  let nodes: TestApp[] = []
  beforeAll(async () => {
    const first = await buildTestApp()
    nodes = [first]
    if (TEST_REDIS_URL) nodes.push(await buildTestApp({ shareWith: first }))
  })
  afterAll(async () => {
    for (const node of [...nodes].reverse()) await node.close()
  })

  it(`equals SQL on every node shortly after each burst of ${WRITERS} writers`, async () => {
    const [first] = nodes as [TestApp]
    const article = await first.deps.db.write
      .selectFrom('news_article_basic')
      .select('article_id')
      .where('status', '=', 2)
      .where('allow_comment', '=', 1)
      .executeTakeFirstOrThrow()
    const articleId = BigInt(article.article_id)
    await seedComments(first, articleId)
    const node = (i: number) => (nodes[i % nodes.length] as TestApp).app
    const writers = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) => login(node(i), `1370000000${i}`)),
    )
    let written = 0
    let reads = 0
    // Bursts: the list must be right after each, so every burst's last writes face the readers.
    for (let burst = 0; burst < WRITE_FOR_MS / BURST_MS; burst++) {
      const until = Date.now() + BURST_MS
      const write = async (i: number) => {
        const payload = { target: String(articleId), content: `并发 ${burst}.${i}` }
        while (Date.now() < until) {
          const response = await send(node(i), 'POST', '/v1_0/comments', writers[i]?.auth, payload)
          expect(response.statusCode, response.body).toBe(201)
          written += 1
          await setImmediate()
        }
      }
      let writing = true
      const read = async (i: number) => {
        // Until the last write is done: it is the one whose delete a reader could overtake.
        while (writing) {
          await listPage(node(i + 1), articleId, 10)
          reads += 1
          // In-process requests that hit L1 never wait on I/O: let the writers in.
          await setImmediate()
        }
      }
      const writes = Promise.all(Array.from({ length: WRITERS }, (_, i) => write(i)))
      const readers = Promise.all(Array.from({ length: READERS }, (_, i) => read(i)))
      await writes.finally(() => (writing = false))
      await readers
      const stored = await storedIds(first, articleId)
      // Shortly after: the invalidation bus may still be on its way to the other node.
      await vi.waitFor(
        async () => {
          for (const [i, { app }] of nodes.entries()) {
            const page = await listPage(app, articleId)
            expect({ burst, node: i, total: page.total }).toEqual({
              burst,
              node: i,
              total: stored.length,
            })
            expect(page.ids).toEqual(stored.slice(0, 50))
          }
        },
        { timeout: 1500, interval: 50 },
      )
    }
    expect(written).toBeGreaterThan(WRITE_FOR_MS / BURST_MS)
    expect(reads).toBeGreaterThan(WRITE_FOR_MS / BURST_MS)
  }, 60_000) // seeding 3,000 comments and six bursts with their checks, on a busy machine
})
