import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { FastifyInstance } from 'fastify'

const require = createRequire(import.meta.url)
const publicDir = new URL('./public/', import.meta.url)

/** URL path → file and content type. The browser builds come straight from node_modules: no CDN, no build step. */
const ASSETS: ReadonlyArray<{ path: string; file: string | URL; type: string }> = [
  { path: '/', file: new URL('index.html', publicDir), type: 'text/html; charset=utf-8' },
  { path: '/demo.css', file: new URL('demo.css', publicDir), type: 'text/css; charset=utf-8' },
  { path: '/demo.js', file: new URL('demo.js', publicDir), type: 'text/javascript; charset=utf-8' },
  { path: '/ui.js', file: new URL('ui.js', publicDir), type: 'text/javascript; charset=utf-8' },
  { path: '/vendor/pusher.min.js', file: require.resolve('pusher-js/dist/web/pusher.min.js'), type: 'text/javascript; charset=utf-8' },
  { path: '/vendor/echo.iife.js', file: require.resolve('laravel-echo/iife'), type: 'text/javascript; charset=utf-8' },
]

/**
 * Serves the demo page and the two browser libraries. Files are read once at start-up, so a
 * missing `npm ci` fails loudly then rather than as a 404 in the browser.
 */
export async function staticAssets(app: FastifyInstance): Promise<void> {
  for (const asset of ASSETS) {
    const body = await readFile(asset.file)
    app.get(asset.path, async (_request, reply) => reply.header('cache-control', 'no-cache').type(asset.type).send(body))
  }
}
