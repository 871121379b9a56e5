import fs from 'node:fs'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'

/**
 * The console's Content-Security-Policy: its own scripts and styles only, API calls to this
 * origin, images also from the storage's public URL (any http(s) origin), previews only as
 * `srcdoc` frames (which inherit this policy), never framed itself.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob: http: https:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
}

/**
 * Serves the built admin console at `/admin`: hashed assets cached for a year, every other path
 * answered with `index.html` (the console routes in the browser). When the console is not built,
 * `/admin` says how to build it.
 */
export async function registerConsole(app: FastifyInstance, consoleDir: string): Promise<void> {
  const indexFile = path.join(consoleDir, 'index.html')
  const index = fs.existsSync(indexFile) ? fs.readFileSync(indexFile) : undefined
  const sendIndex = (reply: FastifyReply) => {
    if (!index) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The admin console is not built: run `npm run build`.\n')
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index)
  }

  await app.register(
    async (admin) => {
      admin.addHook('onSend', async (_request, reply, payload) => {
        reply.headers(SECURITY_HEADERS)
        return payload
      })
      admin.get('', { schema: { hide: true } }, (_request, reply) => reply.redirect('/admin/'))
      admin.get('/', { schema: { hide: true }, prefixTrailingSlash: 'slash' }, (_request, reply) =>
        sendIndex(reply),
      )
      if (index) {
        await admin.register(fastifyStatic, {
          root: consoleDir,
          prefix: '/',
          decorateReply: false,
          index: false,
          wildcard: true,
          cacheControl: false,
          setHeaders: (res, file) => {
            const hashed = file.includes(`${path.sep}assets${path.sep}`)
            res.setHeader(
              'cache-control',
              hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
            )
          },
        })
      }
      admin.setNotFoundHandler((request, reply) => {
        // A console route (no file extension) gets the page; a missing asset stays a 404.
        const pathname = request.url.split('?')[0] ?? ''
        if (request.method === 'GET' && !path.extname(pathname)) return sendIndex(reply)
        return reply.status(404).type('text/plain; charset=utf-8').send('Not Found\n')
      })
    },
    { prefix: '/admin' },
  )
}
