import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { SearchUnavailableError, type SearchEngine } from '../infra/search/search-engine.js'
import { chatLookups } from './chat-lookups.js'

let t: TestApp

beforeAll(async () => {
  t = await buildTestApp()
})

afterAll(async () => {
  await t?.close()
})

const searchDown = (): SearchEngine => ({
  ...t.deps.search,
  search: () => Promise.reject(new SearchUnavailableError('down')),
})

describe('chat lookups', () => {
  it('finds titles through the search engine', async () => {
    const calls: string[] = []
    const search: SearchEngine = {
      ...t.deps.search,
      search: async (query, options) => {
        calls.push(`${query} ${options.page} ${options.perPage}`)
        return t.deps.search.search(query, options)
      },
    }
    const titles = await chatLookups({ ...t.deps, search }).matchingTitles('Python', 3)
    expect(calls).toEqual(['Python 1 3'])
    expect(titles.length).toBeGreaterThan(0)
    expect(titles.length).toBeLessThanOrEqual(3)
  })

  it('falls back to titles containing every word while search is down', async () => {
    const lookups = chatLookups({ ...t.deps, search: searchDown() })
    const titles = await lookups.matchingTitles('python 异步', 3)
    expect(titles).toHaveLength(3)
    for (const title of titles) expect(title.toLowerCase()).toMatch(/python.*异步|异步.*python/)
    // LIKE wildcards in the query are plain characters.
    expect(await lookups.matchingTitles('%', 3)).toEqual([])
    expect(await lookups.matchingTitles('_', 3)).toEqual([])
  })

  it('lists titles recommended by the feed recommender', async () => {
    const titles = await chatLookups(t.deps).recommendedTitles(null, 3)
    expect(titles).toHaveLength(3)
  })
})
