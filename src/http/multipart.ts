import type { MultipartFile } from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'
import { AppError, BAD_REQUEST } from '../errors.js'

/**
 * Reads the file parts of a multipart request whose field `accept` takes, in order; other parts
 * are skipped. A body the parser cannot read (cut off before its closing boundary, broken part
 * headers) is the client's mistake: 400, never a 500. Limits keep their own 4xx (413 for a file
 * over the upload limit, and so on).
 */
export async function readUploadedFiles(
  request: FastifyRequest,
  accept: (field: string) => boolean,
): Promise<{ field: string; data: Buffer }[]> {
  const files: { field: string; data: Buffer }[] = []
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue
      if (accept(part.fieldname)) {
        files.push({ field: part.fieldname, data: await (part as MultipartFile).toBuffer() })
      } else {
        // An unread file would stall the parser: discard the ones we do not take.
        part.file.resume()
      }
    }
  } catch (error) {
    if (error instanceof AppError) throw error
    const status = (error as { statusCode?: unknown } | null)?.statusCode
    if (typeof status === 'number') throw error
    // The parser's own errors carry no status: the body was malformed or ended early.
    throw new AppError(400, BAD_REQUEST)
  }
  return files
}
