#!/usr/bin/env node
// Runs the compiled CLI in dist/, which `npm install` / `npm ci` build (the `prepare` script) and
// `npm run build` rebuilds. When dist/ is missing (installed with --ignore-scripts) or older than
// a source file (someone edited src/ since the last build), the TypeScript sources run through
// tsx instead: correct, but several times slower to start, so it says so.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// tsc rewrites every output file on each build, so this file's age is the build's.
const built = path.join(root, 'dist', 'cli', 'main.js');

/** Why the compiled code cannot be used, or null when it can. */
function staleReason() {
  if (!fs.existsSync(built)) return 'dist/ is not built';
  const builtAt = fs.statSync(built).mtimeMs;
  const newer = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return newer(full);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && fs.statSync(full).mtimeMs > builtAt;
    });
  const src = path.join(root, 'src');
  return fs.existsSync(src) && newer(src) ? 'src/ changed after the last build' : null;
}

const reason = staleReason();
let main;
if (!reason) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  process.stderr.write(`cxkpi: ${reason}, so the sources run through tsx (slower); \`npm run build\` compiles them.\n`);
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
