import { fileTypeFromBuffer } from 'file-type'

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp'])

/** The image MIME type read from the bytes themselves (never the client's word), or null. */
export async function sniffImage(data: Buffer): Promise<string | null> {
  const type = await fileTypeFromBuffer(data)
  return type && IMAGE_TYPES.has(type.mime) ? type.mime : null
}

/** Decodes a base64 image (plain or a `data:` URL), or null when it is not one. */
export function decodeBase64Image(text: string): Buffer | null {
  const body = text.replace(/^data:[\w/+.-]+;base64,/, '').replace(/\s/g, '')
  if (body === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return null
  return Buffer.from(body, 'base64')
}
