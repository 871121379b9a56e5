/**
 * The embedded search engine over a generated corpus: index build time, memory, and search and
 * suggestion latency (p50 / p95).
 *
 *   npm run bench:search                               100 000 articles (seeding takes ~10 s)
 *   BENCH_ARTICLES=20000 npm run bench:search          a smaller corpus
 *   BENCH_CONTENT_CHARS=300 npm run bench:search       index less of each body
 *
 * The corpus is the demo's generator (src/seed) in a temporary SQLite file; the index is built
 * the way `serve` builds it, from SQL. Run with --expose-gc (the npm script does) so the memory
 * figures are measured after a full collection.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { loadConfig } from '../src/config.js'
import { createDeps } from '../src/deps.js'
import { approvedDocuments } from '../src/features/search/search.repo.js'
import { migrateToLatest } from '../src/infra/db/migrate.js'
import { EmbeddedSearchEngine } from '../src/infra/search/embedded-engine.js'
import { pinyinKeys, searchTokens } from '../src/infra/search/text.js'
import { mulberry32, seedDemo } from '../src/seed/demo.js'
import { CHANNEL_TOPICS } from '../src/seed/texts.js'

const ARTICLES = positiveInt('BENCH_ARTICLES', 100_000)
const QUERIES = positiveInt('BENCH_QUERIES', 400)
const CONTENT_CHARS = positiveInt('BENCH_CONTENT_CHARS', 1000)

function positiveInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}

const gc = (globalThis as { gc?: () => void }).gc
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`
const ms = (value: number) => `${value.toFixed(2)} ms`

function memory() {
  gc?.()
  gc?.()
  const { heapUsed, rss, arrayBuffers } = process.memoryUsage()
  return { heapUsed, rss, arrayBuffers }
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 }
}

async function time<T>(samples: number[], run: () => Promise<T>): Promise<T> {
  const start = performance.now()
  const result = await run()
  samples.push(performance.now() - start)
  return result
}

const rand = mulberry32(42)
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T
const topics = Object.values(CHANNEL_TOPICS).flat()
const bodyWords = ['性能', '缓存', '架构', '原理', '实战', '监控', '并发', '源码', '压测', '规范']

/** One or two words, as people type them: topics, body words, a mix. */
function searchQuery(): string {
  const kind = rand()
  if (kind < 0.4) return pick(topics)
  if (kind < 0.7) return `${pick(topics)} ${pick(bodyWords)}`
  if (kind < 0.9) return `${pick(bodyWords)}${pick(bodyWords)}`
  return `${pick(topics)}${pick(topics)}`
}

/** Prefixes of titles and terms, pinyin and initials prefixes, and typos. */
function suggestQuery(titles: readonly string[]): { kind: string; query: string } {
  const kind = pick(['prefix', 'pinyin', 'initials', 'typo'] as const)
  const title = pick(titles)
  if (kind === 'prefix') return { kind, query: title.slice(0, 2 + Math.floor(rand() * 4)) }
  const keys = pinyinKeys(title)
  if (kind === 'pinyin') return { kind, query: keys.full.slice(0, 3 + Math.floor(rand() * 8)) }
  if (kind === 'initials')
    return { kind, query: keys.initials.slice(0, 2 + Math.floor(rand() * 3)) }
  const topic = [...pick(topics.filter((t) => /\p{Script=Han}{3}/u.test(t)))]
  topic[1 + Math.floor(rand() * (topic.length - 1))] = pick([
    ...'的一是不了人我在有他这为之大来以个中上们',
  ])
  return { kind, query: topic.join('') }
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'headline-bench-search-'))
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', CACHE_ENABLED: 'false' })
  const deps = await createDeps(config, { log: pino({ level: 'silent' }) })
  try {
    await migrateToLatest(deps.db.write)
    let start = performance.now()
    await seedDemo(deps, { articles: ARTICLES })
    console.log(`corpus: ${ARTICLES} articles seeded in ${(performance.now() - start) / 1000} s`)

    // Load the segmenter's dictionary and the pinyin tables first: they are not the index.
    searchTokens('预热')
    pinyinKeys('预热')
    const titles: string[] = []
    let chars = 0
    start = performance.now()
    for await (const batch of approvedDocuments(deps.db.read)) {
      for (const doc of batch) {
        titles.push(doc.title)
        chars += Math.min(doc.content.length, CONTENT_CHARS)
      }
    }
    const readMs = performance.now() - start
    const before = memory()
    const engine = new EmbeddedSearchEngine({
      load: () => approvedDocuments(deps.db.read),
      contentChars: CONTENT_CHARS,
    })
    start = performance.now()
    const count = await engine.rebuild(approvedDocuments(deps.db.read))
    const buildMs = performance.now() - start
    const after = memory()
    console.log(
      `build: ${count} articles (${(chars / count).toFixed(0)} body chars indexed each) in ` +
        `${(buildMs / 1000).toFixed(1)} s, of which ${(readMs / 1000).toFixed(1)} s reading SQL` +
        ` (${((count / buildMs) * 1000).toFixed(0)} articles/s); ${engine.stats.phrases} titles and terms`,
    )
    console.log(
      `memory: JS heap +${mib(after.heapUsed - before.heapUsed)}, typed arrays ` +
        `+${mib(after.arrayBuffers - before.arrayBuffers)}, process RSS +${mib(after.rss - before.rss)}` +
        ` (RSS ${mib(after.rss)} in all)${gc ? '' : ' [run with --expose-gc for exact figures]'}`,
    )

    const searchSamples: number[] = []
    let found = 0
    for (let i = 0; i < QUERIES; i++) {
      const page = rand() < 0.8 ? 1 : 2 + Math.floor(rand() * 4)
      const result = await time(searchSamples, () =>
        engine.search(searchQuery(), { page, perPage: 10 }),
      )
      found += result.total
    }
    const suggestSamples = new Map<string, number[]>()
    const answered = new Map<string, number>()
    for (let i = 0; i < QUERIES; i++) {
      const { kind, query } = suggestQuery(titles)
      const samples = suggestSamples.get(kind) ?? []
      suggestSamples.set(kind, samples)
      const options = await time(samples, () => engine.suggest(query, 10))
      if (options.length > 0) answered.set(kind, (answered.get(kind) ?? 0) + 1)
    }
    const rows = [
      {
        name: 'search',
        ...percentiles(searchSamples),
        note: `avg ${(found / QUERIES).toFixed(0)} hits`,
      },
      ...[...suggestSamples].map(([kind, samples]) => ({
        name: `suggest ${kind}`,
        ...percentiles(samples),
        note: `${answered.get(kind) ?? 0}/${samples.length} answered`,
      })),
      {
        name: 'suggest (all)',
        ...percentiles([...suggestSamples.values()].flat()),
        note: '',
      },
    ]
    console.log('\nqueries         p50        p95        max')
    for (const row of rows) {
      console.log(
        `${row.name.padEnd(16)}${ms(row.p50).padStart(9)}  ${ms(row.p95).padStart(9)}  ` +
          `${ms(row.max).padStart(9)}  ${row.note}`,
      )
    }
    await engine.close()
  } finally {
    await deps.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
