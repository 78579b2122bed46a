#!/usr/bin/env node
// Builds the dashboard (web/ -> web/dist, which `cxkpi serve` serves). npm runs this on
// `npm install` and `npm ci` (the `prepare` script), so a fresh clone has the dashboard without a
// separate step. Without the development dependencies (`--omit=dev`) there is no Vite: the API
// still works, and the server's root page says how to build the dashboard.
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
let vite;
try {
  vite = await import('vite');
} catch {
  console.warn(
    'cxkpi: Vite is not installed, so the dashboard was not built; run `npm install` then `npm run build:web`.',
  );
  process.exit(0);
}
const started = performance.now();
await vite.build({
  root: path.join(root, 'web'),
  configFile: path.join(root, 'web', 'vite.config.ts'),
  logLevel: 'warn',
});
console.log(`cxkpi: dashboard built into web/dist in ${((performance.now() - started) / 1000).toFixed(1)} s`);
