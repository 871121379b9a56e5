import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { requestHistogram } from './request-histogram.js'

describe('requestHistogram', () => {
  it('writes cumulative buckets, sum and count per method, route and status', async () => {
    const registry = new Registry()
    const histogram = requestHistogram(registry, {
      name: 'h_seconds',
      help: 'latency',
      buckets: [0.01, 0.1],
    })
    histogram.observe('GET', '/a', 200, 0.005)
    histogram.observe('GET', '/a', 200, 0.01)
    histogram.observe('GET', '/a', 200, 0.05)
    histogram.observe('GET', '/a', 200, 3)
    histogram.observe('GET', '/a', 404, 0.2)
    const text = await registry.metrics()
    const a = 'method="GET",route="/a",status="200"'
    const missing = 'method="GET",route="/a",status="404"'
    expect(text.trim().split('\n')).toEqual([
      '# HELP h_seconds latency',
      '# TYPE h_seconds histogram',
      `h_seconds_bucket{le="0.01",${a}} 2`,
      `h_seconds_bucket{le="0.1",${a}} 3`,
      `h_seconds_bucket{le="+Inf",${a}} 4`,
      `h_seconds_sum{${a}} 3.065`,
      `h_seconds_count{${a}} 4`,
      `h_seconds_bucket{le="0.01",${missing}} 0`,
      `h_seconds_bucket{le="0.1",${missing}} 0`,
      `h_seconds_bucket{le="+Inf",${missing}} 1`,
      `h_seconds_sum{${missing}} 0.2`,
      `h_seconds_count{${missing}} 1`,
    ])
    registry.resetMetrics()
    expect((await registry.metrics()).trim().split('\n')).toHaveLength(2)
  })
})
