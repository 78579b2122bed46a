#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's test runner (TypeScript through tsx).
// Arguments narrow the run: `npm test -- test/ingest` runs the files whose path contains it;
// `--database-tests` runs only the files that loop over database variants (test/helpers/databases.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const databaseOnly = process.argv.includes('--database-tests');
const flags = process.argv.slice(2).filter((arg) => arg.startsWith('--') && arg !== '--database-tests');

function find(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : find(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const files = [...find(path.join(root, 'src')), ...find(path.join(root, 'test'))]
  .map((file) => path.relative(root, file))
  .filter((file) => !filters.length || filters.some((filter) => file.includes(filter)))
  .filter((file) => !databaseOnly || fs.readFileSync(path.join(root, file), 'utf8').includes('helpers/databases.ts'))
  .sort();
if (!files.length) {
  console.error(`No test files match ${filters.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...flags, ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
