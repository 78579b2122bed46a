import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app.ts';

/** Where `vite build` puts the dashboard (npm's `prepare` runs it on install). */
export const WEB_DIST = path.resolve(import.meta.dirname, '../../../web/dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt', '.map']);

interface WebFile {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  etag: string;
  cache: string;
}

/** Reads the build once: only files it contains are served, so no path leads outside it. */
function readBuild(dir: string): Map<string, WebFile> | undefined {
  if (!fs.existsSync(path.join(dir, 'index.html'))) return undefined;
  const files = new Map<string, WebFile>();
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.posix.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) {
        const ext = path.extname(entry.name).toLowerCase();
        const body = fs.readFileSync(path.join(dir, rel));
        files.set(`/${rel}`, {
          body,
          gzip: COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body) : undefined,
          type: TYPES[ext] ?? 'application/octet-stream',
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
          // Vite names assets by their content hash: they never change. The page itself is checked each time.
          cache: rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      }
    }
  };
  walk('');
  return files;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cxkpi</title></head>
<body><h1>cxkpi</h1><p>The dashboard is not built in this copy: run <code>npm run build:web</code>
(<code>npm install</code> does it) and restart. The API works: see <a href="/api/docs">/api/docs</a>.</p></body></html>`;

/**
 * The dashboard: the files of web/dist, and index.html for every other page address (the app
 * routes in the browser), so /explorer?metric=csat can be bookmarked and shared. Registered last:
 * API routes win, and unknown /api paths stay JSON 404s.
 */
export function webRoutes(options: { dir?: string } = {}) {
  const dir = options.dir ?? WEB_DIST;
  let files: Map<string, WebFile> | undefined;
  let builtAt = 0;
  // A new build (npm run build:web) is picked up at the next page load, without a restart.
  const refresh = () => {
    const stat = fs.statSync(path.join(dir, 'index.html'), { throwIfNoEntry: false });
    if (stat && stat.mtimeMs !== builtAt) {
      files = readBuild(dir);
      builtAt = stat.mtimeMs;
    }
  };
  const send = (c: Context<AppEnv>, file: WebFile) => {
    const headers: Record<string, string> = {
      'content-type': file.type,
      'cache-control': file.cache,
      etag: file.etag,
      vary: 'accept-encoding',
    };
    if (c.req.header('if-none-match') === file.etag) return c.body(null, 304, headers);
    if (file.gzip && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      return c.body(new Uint8Array(file.gzip), 200, { ...headers, 'content-encoding': 'gzip' });
    }
    return c.body(new Uint8Array(file.body), 200, headers);
  };
  return new Hono<AppEnv>().get('*', (c) => {
    const pathname = c.req.path;
    if (pathname === '/api' || pathname.startsWith('/api/')) return c.notFound();
    if (!files) refresh();
    if (!files) return c.html(NOT_BUILT, 503);
    const file = files.get(pathname);
    if (file && pathname !== '/index.html') return send(c, file);
    refresh();
    // A missing asset is a 404, not the page: a stale tab must not run HTML as a script.
    if (pathname.startsWith('/assets/') || /\.[a-z0-9]{1,5}$/i.test(pathname)) return c.notFound();
    const page = files?.get('/index.html');
    return page ? send(c, page) : c.html(NOT_BUILT, 503);
  });
}
