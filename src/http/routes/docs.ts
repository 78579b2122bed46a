import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../app.ts';
import { buildOpenApi } from '../openapi.ts';

/** OpenAPI document and Swagger UI, served from the installed package (no CDN). */
export function docsRoutes() {
  const require = createRequire(import.meta.url);
  const uiDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  const assets: Record<string, string> = {
    'swagger-ui.css': 'text/css; charset=utf-8',
    'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
    'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  };
  let openApi: string | undefined;
  const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>cxkpi API</title><link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;
  const init = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui', deepLinking: true, persistAuthorization: true });`;

  return new Hono<AppEnv>()
    .get('/api/openapi.json', (c) => {
      openApi ??= JSON.stringify(buildOpenApi());
      return c.body(openApi, 200, { 'content-type': 'application/json; charset=utf-8' });
    })
    .get('/api/docs', (c) => c.html(page))
    .get('/api/docs/init.js', (c) => c.body(init, 200, { 'content-type': 'text/javascript; charset=utf-8' }))
    .get('/api/docs/:asset', (c) => {
      const asset = c.req.param('asset');
      const type = assets[asset];
      if (!type) return c.notFound();
      return c.body(fs.readFileSync(path.join(uiDir, asset)), 200, {
        'content-type': type,
        'cache-control': 'public, max-age=86400',
      });
    });
}
