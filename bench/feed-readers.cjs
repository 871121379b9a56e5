/* global process, module */
// autocannon setupRequest (loaded by path in its worker thread): every request of the feed bench
// comes from the next of BENCH_READERS anonymous devices, so each answer is a fresh full page.
const readers = Number(process.env.BENCH_READERS || 20000)
const start = Math.floor(Math.random() * 1e9)
let next = 0

module.exports = (request) => {
  const device = `bench-${start}-${next++ % readers}`
  request.headers = { ...request.headers, authorization: `Anony ${device}` }
  return request
}
