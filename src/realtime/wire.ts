import { randomBytes } from 'node:crypto'
import * as msgpack from 'notepack.io'
import { Decoder, Encoder, type Packet } from 'socket.io-parser'

// Ids are bigints end to end. JSON.stringify refuses them, so the encoder first writes each bigint
// as a marker string that no client can guess (a fresh nonce per process), then turns the quoted
// markers into bare digits: clients get exact JSON numbers, as the original's Python server sent.
const MARKER = `__bigint_${randomBytes(8).toString('hex')}__`
const QUOTED_MARKER = new RegExp(`"${MARKER}(-?\\d+)"`, 'g')

const markBigints = (_key: string, value: unknown) =>
  typeof value === 'bigint' ? `${MARKER}${value}` : value

/** socket.io-parser's encoder, writing bigints as exact JSON numbers. */
class ExactEncoder extends Encoder {
  constructor() {
    super(markBigints)
  }

  override encode(packet: Packet): unknown[] {
    return super
      .encode(packet)
      .map((part: unknown) =>
        typeof part === 'string' && part.includes(MARKER)
          ? part.replace(QUOTED_MARKER, '$1')
          : part,
      )
  }
}

/** The Socket.IO `parser` option: the standard protocol, bigints written exactly. */
export const socketParser = { Encoder: ExactEncoder, Decoder }

// Messages between processes go through Redis as MessagePack (what the adapter and the emitter
// use by default), with each bigint carried as a one-key object so that it comes back a bigint.
const BIGINT_TAG = '$bigint'

function tag(value: unknown): unknown {
  if (typeof value === 'bigint') return { [BIGINT_TAG]: value.toString() }
  if (Array.isArray(value)) return value.map(tag)
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, tag(item)]))
  }
  return value
}

function untag(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untag)
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
    const digits = value[BIGINT_TAG]
    if (keys.length === 1 && typeof digits === 'string' && /^-?\d{1,20}$/.test(digits)) {
      return BigInt(digits)
    }
    return Object.fromEntries(keys.map((key) => [key, untag(value[key])]))
  }
  return value
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** The `parser` option of the Redis adapter and emitter: MessagePack that keeps bigints. */
export const redisParser = {
  encode: (value: unknown): unknown => msgpack.encode(tag(value)),
  /**
   * Never throws: the adapter decodes outside any try block, and a malformed message on the
   * channel must not crash the process. An empty array is ignored by every adapter code path.
   */
  decode(buffer: unknown): unknown {
    try {
      return untag(msgpack.decode(buffer))
    } catch {
      return []
    }
  },
}
