import { PacketType } from 'socket.io-parser'
import { describe, expect, it } from 'vitest'
import { redisParser, socketParser } from './wire.js'

const BIG = 1_234_567_890_123_456_789n

describe('socket parser', () => {
  it('writes bigints as exact JSON numbers', () => {
    const encoder = new socketParser.Encoder()
    const [text] = encoder.encode({
      type: PacketType.EVENT,
      nsp: '/',
      data: ['following notify', { user_id: BIG, user_name: 'a"b', timestamp: 1 }],
    })
    expect(text).toBe(`2["following notify",{"user_id":${BIG},"user_name":"a\\"b","timestamp":1}]`)
  })
})

describe('redis parser', () => {
  it('round-trips bigints, buffers and nested values', () => {
    const message = ['uid', { data: ['x', { id: BIG, n: 1, s: 's', b: Buffer.from([1, 2]) }] }]
    expect(redisParser.decode(redisParser.encode(message))).toEqual(message)
  })

  it('decodes garbage to an empty array instead of throwing', () => {
    expect(redisParser.decode(Buffer.from([0xc1]))).toEqual([])
    expect(redisParser.decode(undefined)).toEqual([])
  })

  it('leaves look-alike objects that are not exact tags alone', () => {
    const value = [{ $bigint: 'abc' }, { $bigint: '1', other: 2 }]
    expect(redisParser.decode(redisParser.encode(value))).toEqual(value)
  })
})
