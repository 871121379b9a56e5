import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { buildTestApp, type TestApp } from '../../test/app.js'
import { lazyRequestLogger } from './request-logger.js'

interface Line {
  level: number
  msg: string
  reqId?: string
  req?: { url: string }
}

describe('request logging', () => {
  const lines: Line[] = []
  let t: TestApp
  beforeAll(async () => {
    t = await buildTestApp({
      redisUrl: false,
      env: { LOG_LEVEL: 'info' },
      logStream: { write: (line) => void lines.push(JSON.parse(line) as Line) },
    })
  })
  afterAll(() => t?.close())

  it("writes each request's lines with its request id, the one a client sent included", async () => {
    lines.length = 0
    const response = await t.app.inject({
      url: '/v1_0/channels',
      headers: { 'x-request-id': 'trace-me-1' },
    })
    expect(response.statusCode).toBe(200)
    const mine = lines.filter((line) => line.reqId === 'trace-me-1')
    expect(mine.map((line) => line.msg)).toEqual(['incoming request', 'request completed'])
    expect(mine[0]?.req?.url).toBe('/v1_0/channels')
  })

  it('writes nothing below the configured level', async () => {
    lines.length = 0
    t.app.log.level = 'warn'
    try {
      const response = await t.app.inject({
        url: '/v1_0/channels',
        headers: { 'x-request-id': 'quiet-1' },
      })
      expect(response.statusCode).toBe(200)
      expect(lines).toEqual([])
    } finally {
      t.app.log.level = 'info'
    }
  })
})

describe('lazyRequestLogger', () => {
  it('writes with the bindings at enabled levels only, and its children keep them', () => {
    const lines: Record<string, unknown>[] = []
    const parent = pino(
      { level: 'warn' },
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    )
    const make = lazyRequestLogger!.bind(null as never)
    const log = make(parent, { reqId: 'r1' }, {}, {} as never)
    log.info('below the level')
    log.debug('below the level')
    expect(lines).toEqual([])
    log.warn({ code: 7 }, 'a warning')
    log.error('an error')
    log.child({ part: 'db' }).error('from a child')
    expect(lines.map(({ msg, reqId, code, part }) => ({ msg, reqId, code, part }))).toEqual([
      { msg: 'a warning', reqId: 'r1', code: 7, part: undefined },
      { msg: 'an error', reqId: 'r1', code: undefined, part: undefined },
      { msg: 'from a child', reqId: 'r1', code: undefined, part: 'db' },
    ])
    // The next request's logger follows a change of the level.
    parent.level = 'info'
    const next = make(parent, { reqId: 'r2' }, {}, {} as never)
    expect(next.level).toBe('info')
    next.info('now enabled')
    expect(lines.at(-1)).toMatchObject({ msg: 'now enabled', reqId: 'r2' })
  })
})
