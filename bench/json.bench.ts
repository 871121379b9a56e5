/**
 * Cost of the exact request-body parser against plain JSON.parse (target: at most about 2×),
 * on small bodies with and without 64-bit ids and on large hostile ones.
 *
 *   npx tsx bench/json.bench.ts
 */
import { randomBytes } from 'node:crypto'
import { parse } from 'lossless-json'
import { parseJson } from '../src/http/json.js'

const ID = '1234567890123456789'
const bodies: [string, string][] = [
  ['comment, no ids', JSON.stringify({ target: 123, content: '好文章'.repeat(20) })],
  ['comment reply, 64-bit ids', `{"target":${ID},"art_id":${ID},"content":"${'好'.repeat(60)}"}`],
  [
    'channels list',
    JSON.stringify({ channels: Array.from({ length: 30 }, (_, i) => ({ id: i, seq: i + 2 })) }),
  ],
  [
    '8 MB array of small numbers',
    `[${Array.from({ length: 1_400_000 }, (_, i) => i % 1000).join(',')}]`,
  ],
  ['8 MB array of 64-bit ids', `[${Array.from({ length: 400_000 }, () => ID).join(',')}]`],
  ['8 MB base64 image', JSON.stringify({ photo: randomBytes(6_000_000).toString('base64') })],
  ['1 MB of quotes and escapes + one id', `[${ID},"${'\\"'.repeat(500_000)}"]`],
]

const lossless = (text: string) =>
  parse(text, null, (n) => (/^-?\d+$/.test(n) && !Number.isSafeInteger(Number(n)) ? n : Number(n)))

// CPU time of this process, not wall time: on a shared machine the ratios stay meaningful.
const cpuMs = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

function time(fn: (text: string) => unknown, text: string): number {
  const budgetMs = 400
  fn(text)
  let runs = 0
  const started = cpuMs()
  while (cpuMs() - started < budgetMs || runs < 3) {
    fn(text)
    runs++
  }
  return (cpuMs() - started) / runs
}

console.log(`JSON body parsing, Node ${process.version}: CPU ms per parse (ratio to JSON.parse)`)
console.log(
  `${'body'.padEnd(38)} ${'size'.padStart(9)} ${'JSON.parse'.padStart(11)} ${'parseJson'.padStart(16)} ${'lossless-json'.padStart(16)}`,
)
for (const [name, text] of bodies) {
  const base = time(JSON.parse, text)
  const ours = time(parseJson, text)
  const old = text.length > 2_000_000 ? NaN : time(lossless, text)
  const cell = (ms: number) =>
    Number.isNaN(ms)
      ? 'skipped'.padStart(16)
      : `${ms.toFixed(3)} (${(ms / base).toFixed(2)}×)`.padStart(16)
  console.log(
    `${name.padEnd(38)} ${String(text.length).padStart(9)} ${base.toFixed(3).padStart(11)} ${cell(ours)} ${cell(old)}`,
  )
}
