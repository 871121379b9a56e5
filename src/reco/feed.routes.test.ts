import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { exactJson } from '../../test/json.js'
import { login } from '../../test/login.js'
import { recentSignals } from './reco-state.js'
import { scoredStrategy } from './scored-strategy.js'
import { startRecoServer, type RecoServer } from './server.js'

interface FeedItem {
  art_id: bigint
  ch_id: number
  trace: Record<string, string>
}
interface Feed {
  pre_timestamp: number
  results: FeedItem[]
}

const silent = { warn: () => undefined, error: () => undefined, info: () => undefined }
const algorithmOf = (item: FeedItem) => JSON.parse(item.trace['click'] as string).algorithmCombine

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe.each(['in process', 'over gRPC'] as const)('the feed, recommender %s', (mode) => {
  let t: TestApp
  let port = 0
  let server: RecoServer | undefined
  const startServer = async () => {
    server = await startRecoServer(scoredStrategy(t.deps), { host: '127.0.0.1', port, log: silent })
  }

  beforeAll(async () => {
    if (mode === 'in process') {
      t = await buildTestApp()
      return
    }
    port = await freePort()
    // A generous deadline: these tests check the service's answers, not its speed under CI load.
    t = await buildTestApp({
      env: { RECO_GRPC_URL: `grpc://127.0.0.1:${port}`, RECO_DEADLINE_MS: '5000' },
    })
    await startServer()
  })
  afterAll(async () => {
    await server?.close(100)
    await t.close()
  })

  const feed = async (query: string, headers: Record<string, string> = {}): Promise<Feed> => {
    const url = `/v1_1/articles?${query}${query.includes('with_top') ? '' : '&with_top=0'}`
    const response = await t.app.inject({ url, headers })
    expect(response.statusCode).toBe(200)
    return exactJson(response.body).data as Feed
  }
  const scroll = async (channel: number, pages: number, headers: Record<string, string>) => {
    const all: Feed[] = []
    let timestamp = Date.now()
    for (let n = 0; n < pages; n++) {
      const page = await feed(`channel_id=${channel}&timestamp=${timestamp}`, headers)
      all.push(page)
      timestamp = page.pre_timestamp
    }
    return all
  }

  it('shows one user five scrolled pages without any article twice', async () => {
    const user = await login(t.app, '13700000001')
    const pages = await scroll(0, 5, user.auth)
    const ids = pages.flatMap((page) => page.results.map((item) => item.art_id))
    expect(ids).toHaveLength(50)
    expect(new Set(ids).size).toBe(50)
    expect(
      pages.every((page) => page.results.every((item) => algorithmOf(item) === 'score-v1')),
    ).toBe(true)
    // A refresh brings more, still none of the above.
    const refresh = await feed(`channel_id=0&timestamp=${Date.now()}`, user.auth)
    expect(refresh.results.filter((item) => ids.includes(item.art_id))).toEqual([])
  })

  it('never brings back a disliked article', async () => {
    const user = await login(t.app, '13700000002')
    const list = exactJson(
      (await t.app.inject({ url: '/v1_0/articles?channel_id=4&page=1&per_page=10' })).body,
    ).data
    const disliked = list.results[0].art_id as bigint
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1_0/article/dislikes',
      headers: user.auth,
      payload: { target: disliked.toString() },
    })
    expect(response.statusCode).toBe(201)
    const channelPages = await scroll(4, 4, user.auth)
    const channelIds = channelPages.flatMap((page) => page.results.map((item) => item.art_id))
    expect(channelIds.length).toBeGreaterThan(20)
    expect(channelIds).not.toContain(disliked)
    expect(channelPages.at(-1)!.results).toEqual([])
    const everywhere = await scroll(0, 3, user.auth)
    expect(everywhere.flatMap((page) => page.results.map((item) => item.art_id))).not.toContain(
      disliked,
    )
  })

  it('shifts later pages toward the channel of the articles the user opens', async () => {
    const [clicker, control] = [
      await login(t.app, '13700000003'),
      await login(t.app, '13700000004'),
    ]
    const first = await feed(`channel_id=0&timestamp=${Date.now()}`, clicker.auth)
    await feed(`channel_id=0&timestamp=${Date.now()}`, control.auth)
    const channel = first.results[first.results.length - 1]!.ch_id
    const opened = first.results.filter((item) => item.ch_id === channel)
    for (const item of opened) {
      const response = await t.app.inject({
        url: `/v1_0/articles/${item.art_id}`,
        headers: { ...clicker.auth, trace: item.trace['click'] as string },
      })
      expect(response.statusCode).toBe(200)
    }
    await expect
      .poll(async () => (await recentSignals(t.deps.sortedSets, `u:${clicker.userId}`)).length)
      .toBe(opened.length)
    const inChannel = (page: Feed) => page.results.filter((item) => item.ch_id === channel).length
    const next = await feed(`channel_id=0&timestamp=${first.pre_timestamp}`, clicker.auth)
    const nextControl = await feed(`channel_id=0&timestamp=${first.pre_timestamp}`, control.auth)
    expect(inChannel(next)).toBeGreaterThan(inChannel(nextControl))
    expect(inChannel(next)).toBeGreaterThanOrEqual(2)
  })

  it('gives anonymous devices their own feed state', async () => {
    const device = { authorization: 'Anony 20260101' }
    const pages = await scroll(2, 3, device)
    const ids = pages.flatMap((page) => page.results.map((item) => item.art_id))
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids).toHaveLength(27)
    const other = await feed(`channel_id=2&timestamp=${Date.now()}`, { authorization: 'Anony x' })
    expect(other.results.map((item) => item.art_id)).toEqual(ids.slice(0, 10))
  })

  it('recommends similar articles of the same channel in the article detail', async () => {
    const [item] = (await feed(`channel_id=6&timestamp=${Date.now()}`)).results
    const detail = exactJson((await t.app.inject({ url: `/v1_0/articles/${item!.art_id}` })).body)
      .data as { recomments: { art_id: bigint }[] }
    expect(detail.recomments.length).toBe(10)
    expect(detail.recomments.map((r) => r.art_id)).not.toContain(item!.art_id)
  })

  it.runIf(mode === 'over gRPC')(
    'keeps answering newest-first while the service is down, and recovers when it is back',
    async () => {
      await server!.close(100)
      const device = { authorization: 'Anony outage-device' }
      const down = await feed(`channel_id=0&timestamp=${Date.now()}`, device)
      expect(down.results).toHaveLength(10)
      expect(down.results.every((item) => algorithmOf(item) === 'latest')).toBe(true)
      const metrics = (await t.app.inject({ url: '/metrics' })).body
      expect(metrics).toMatch(/headline_reco_fallbacks_total\{[^}]*method="user_recommend"/)
      await startServer()
      await expect
        .poll(
          async () => {
            const page = await feed(`channel_id=0&timestamp=${Date.now()}`, device)
            return page.results.map(algorithmOf)
          },
          { timeout: 10_000, interval: 200 },
        )
        .toContain('score-v1')
    },
  )
})
