import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../../test/app.js'
import { TEST_REDIS_URL } from '../../../test/env.js'
import { approvedArticles } from '../../../test/interactions.js'
import { login } from '../../../test/login.js'
import { bucket, hourOf } from '../../infra/store/activity.js'
import { COUNTERS } from '../../infra/store/counters.js'

// Two nodes on one database and one Redis: B answers the reads and stops, A reads what B wrote.
describe.skipIf(!TEST_REDIS_URL)('article reads on Redis', () => {
  let a: TestApp
  let b: TestApp
  beforeAll(async () => {
    a = await buildTestApp()
    b = await buildTestApp({ shareWith: a })
  })
  afterAll(() => a?.close())

  it('writes every read of a node that stops right after answering, under the original keys', async () => {
    const redis = a.deps.redis!
    const [article] = await approvedArticles(a, 1)
    const id = article!.id.toString()
    const reader = await login(b.app, '13500000091')
    const hours = [hourOf(Date.now()), hourOf(Date.now()) + 1]
    const readsIn = async () => {
      const counts = await Promise.all(
        hours.map((hour) => redis.zscore(bucket(hour, 'events'), 'reads')),
      )
      return counts.reduce((sum, count) => sum + Number(count ?? 0), 0)
    }
    const score = async (key: string, member: string) =>
      Number((await redis.zscore(key, member)) ?? 0)
    const [articleReads, authorReads, hourReads] = [
      await score(COUNTERS.articleReading, id),
      await score(COUNTERS.userArticlesReading, article!.author.toString()),
      await readsIn(),
    ]

    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        b.app.inject({ url: `/v1_0/articles/${id}`, headers: reader.auth }),
      ),
    )
    expect(responses.map((response) => response.statusCode)).toEqual(Array(20).fill(200))
    // Node B counts its own reads at once, pending or not.
    expect(await b.deps.counters.get(COUNTERS.articleReading, article!.id)).toBe(articleReads + 20)
    await b.close()

    expect(await score(COUNTERS.articleReading, id)).toBe(articleReads + 20)
    expect(await score(COUNTERS.userArticlesReading, article!.author.toString())).toBe(
      authorReads + 20,
    )
    expect(await readsIn()).toBe(hourReads + 20)
    const history = await redis.zrange(`user:${reader.userId}:his:reading`, 0, -1)
    expect(history).toEqual([id])
    const users = await Promise.all(
      hours.map((hour) => redis.zscore(bucket(hour, 'users'), reader.userId.toString())),
    )
    expect(users.some((mark) => mark === '1')).toBe(true)
  })
})
