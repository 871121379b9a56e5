/* global process, module, require */
// autocannon setupRequest of the Zipf mix (loaded by path in its worker thread). The plan file
// (ZIPF_PLAN, written by bench/zipf.bench.ts) holds the article ids in popularity order, the
// readers' tokens and the mix; each request is a feed page of the next of `readers` anonymous
// devices, an article open (half of them logged in) or an article's comments page, with the
// article drawn from Zipf(exponent) over the ids.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- autocannon loads this by path
const fs = require('node:fs')

const plan = JSON.parse(fs.readFileSync(process.env.ZIPF_PLAN, 'utf8'))
const ids = plan.ids
const cdf = new Float64Array(ids.length)
let total = 0
for (let rank = 0; rank < ids.length; rank++) {
  total += 1 / Math.pow(rank + 1, plan.exponent)
  cdf[rank] = total
}
const start = Math.floor(Math.random() * 1e9)
let nextReader = 0

/** An article id of Zipf rank r with probability 1/r^s (over the sum). */
function zipfId() {
  const u = Math.random() * total
  let low = 0
  let high = ids.length - 1
  while (low < high) {
    const middle = (low + high) >> 1
    if (cdf[middle] < u) low = middle + 1
    else high = middle
  }
  return ids[low]
}

module.exports = (request) => {
  const kind = Math.random()
  if (kind < plan.mix.feed) {
    const device = `zipf-${start}-${nextReader++ % plan.readers}`
    return { ...request, path: plan.feedPath, headers: { authorization: `Anony ${device}` } }
  }
  if (kind < plan.mix.feed + plan.mix.open) {
    const token = Math.random() < 0.5 ? plan.tokens[nextReader++ % plan.tokens.length] : null
    return {
      ...request,
      path: `/v1_0/articles/${zipfId()}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }
  }
  return { ...request, path: `/v1_0/comments?type=a&source=${zipfId()}`, headers: {} }
}
