import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { Hono } from 'hono';
import { webRoutes } from '../src/http/routes/web.ts';

// Serving the dashboard's build: files with their types and caching, the page for app addresses,
// and nothing outside the build.
function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-web-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><title>cxkpi</title><script src="/assets/app-1a2b.js"></script>',
  );
  fs.writeFileSync(path.join(dir, 'assets', 'app-1a2b.js'), `console.log(${JSON.stringify('x'.repeat(4000))});`);
  fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(path.dirname(dir), 'secret.txt'), 'no');
  return dir;
}

test('the build is served with types, caching and compression; app addresses get the page', async () => {
  const dir = fakeBuild();
  const app = new Hono().route('/', webRoutes({ dir }));

  const page = await app.request('/');
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  const html = await page.text();
  for (const address of ['/explorer?metric=csat&by=team', '/agents/ag-01', '/settings']) {
    const response = await app.request(address);
    assert.equal(await response.text(), html, address);
  }
  const again = await app.request('/', { headers: { 'if-none-match': page.headers.get('etag')! } });
  assert.equal(again.status, 304);

  const script = await app.request('/assets/app-1a2b.js', { headers: { 'accept-encoding': 'gzip, br' } });
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(script.headers.get('content-encoding'), 'gzip');
  assert.match(gunzipSync(Buffer.from(await script.arrayBuffer())).toString(), /^console\.log/);
  assert.equal((await app.request('/favicon.svg')).headers.get('content-type'), 'image/svg+xml');

  assert.equal((await app.request('/assets/app-old.js')).status, 404, 'a missing asset is not the page');
  assert.equal((await app.request('/../secret.txt')).status, 404);
  assert.equal((await app.request('/%2e%2e/secret.txt')).status, 404);
  assert.equal((await app.request('/api/v1/nothing')).status, 404, 'API addresses stay the API');

  // A new build is picked up without a restart.
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>new</title>');
  fs.utimesSync(path.join(dir, 'index.html'), new Date(), new Date(Date.now() + 5000));
  assert.match(await (await app.request('/teams')).text(), /new/);
});

test('without a build the root page says how to make one', async () => {
  const app = new Hono().route('/', webRoutes({ dir: path.join(os.tmpdir(), 'cxkpi-no-build') }));
  const response = await app.request('/');
  assert.equal(response.status, 503);
  assert.match(await response.text(), /npm run build:web/);
});
