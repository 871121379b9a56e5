import { describe, expect, it } from 'vitest'
import { parseTrace, traceFor, traceJson } from './trace.js'

describe('trace strings', () => {
  const viewers = ['42', 'anony-dev-1', 'a"b\\c\n\u2028😀\ud800']
  it('are the JSON of {action, userId, articleId, algorithmCombine}, and read back', () => {
    for (const viewer of viewers) {
      const trace = traceFor(viewer, 1234567890123456789n, 'score"v1')
      for (const action of ['click', 'collect', 'share', 'read'] as const) {
        expect(trace[action]).toBe(
          JSON.stringify({
            action,
            userId: viewer,
            articleId: '1234567890123456789',
            algorithmCombine: 'score"v1',
          }),
        )
        expect(parseTrace(trace[action])).toMatchObject({ action, viewer })
      }
    }
  })

  it('are written into a reply as JSON.stringify writes them, made here or not', () => {
    for (const viewer of viewers) {
      const trace = traceFor(viewer, 7n, 'top')
      expect(traceJson(trace)).toBe(JSON.stringify(trace))
      expect(traceJson({ ...trace })).toBe(JSON.stringify(trace))
    }
  })
})
