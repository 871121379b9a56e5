import { crc32, deflateSync } from 'node:zlib'

/** A real RGB PNG; random pixels keep it from compressing, so size follows the dimensions. */
export function png(
  width = 2,
  height = 2,
  pixels: (length: number) => Buffer = (n) => Buffer.alloc(n, 7),
) {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8
  header[9] = 2
  const rows = Buffer.concat(
    Array.from({ length: height }, () => Buffer.concat([Buffer.alloc(1), pixels(width * 3)])),
  )
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

export interface Part {
  field: string
  data: Buffer | string
  filename?: string
  type?: string
}

/** A multipart/form-data body; parts with a filename are files. */
export function multipart(parts: Part[]) {
  const boundary = '----headline-test-boundary'
  const chunks = parts.flatMap((part) => {
    const disposition = `form-data; name="${part.field}"${part.filename ? `; filename="${part.filename}"` : ''}`
    const type = part.filename ? `\r\nContent-Type: ${part.type ?? 'application/octet-stream'}` : ''
    return [
      Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`),
      Buffer.from(part.data),
      Buffer.from('\r\n'),
    ]
  })
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  }
}
