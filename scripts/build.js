#!/usr/bin/env node
// Builds what a fresh clone needs to run: the server and CLI as JavaScript (src/ -> dist/, which
// bin/cxkpi.js runs) and the dashboard (web/ -> web/dist, which `cxkpi serve` serves). npm runs
// this on `npm install` and `npm ci` (the `prepare` script); `npm run build` type-checks
// everything first and then runs it. Without the development dependencies (`--omit=dev`) there
// is no TypeScript compiler: bin/cxkpi.js then runs the sources through tsx.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

function run(label, args) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => {
      if (code === 0 && label) console.log(`cxkpi: ${label} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      resolve(code ?? 1);
    });
  });
}

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  console.warn('cxkpi: TypeScript is not installed, so dist/ was not built; the CLI runs the sources through tsx.');
}
// Opening a new embedded database once leaves the template that later new databases (the first
// `cxkpi demo` or `serve`, every test database) load instead of running initdb (src/db/pglite-template.ts).
const warm = `const { MIGRATIONS, openDatabase } = await import('./dist/db/connect.js');
const { templateFile } = await import('./dist/db/pglite-template.js');
const fs = await import('node:fs');
if (!fs.existsSync(templateFile(MIGRATIONS)))
  await (await openDatabase({ dataDir: '', poolSize: 1 }, { inMemory: true })).close();`;
async function server() {
  // From scratch, so that a module deleted from src/ does not live on in dist/.
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  const code = await run('server compiled into dist', [tsc, '-p', 'tsconfig.build.json']);
  return code || run('embedded database template made', ['--input-type=module', '-e', warm]);
}
// The server and the dashboard builds are independent: run them side by side.
const codes = await Promise.all([tsc ? server() : 0, run(null, [path.join(root, 'scripts', 'build-web.js')])]);
process.exit(Math.max(...codes));
