#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's test runner (TypeScript through tsx), one
// process per file, as many at once as the machine has cores. The slowest files (by the last
// run's times, kept in node_modules/.cache/cxkpi/test-durations.json) start first, so that a long
// file does not start last and leave the other cores idle; after the run the slowest are listed.
// Arguments narrow the run: `npm test -- test/ingest` runs the files whose path contains it;
// `--database-tests` runs only the files that loop over database variants (test/helpers/databases.ts).
// Other flags go to node --test (e.g. --test-name-pattern=...). CXKPI_TEST_CONCURRENCY overrides
// the number of files at once.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const databaseOnly = process.argv.includes('--database-tests');
const flags = process.argv.slice(2).filter((arg) => arg.startsWith('--') && arg !== '--database-tests');
const concurrency = Number(process.env.CXKPI_TEST_CONCURRENCY) || os.availableParallelism();
const cacheFile = path.join(root, 'node_modules', '.cache', 'cxkpi', 'test-durations.json');

function find(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : find(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

const known = readJson(cacheFile);
// A file without a recorded time may be slow: it goes first too.
const expected = (file) => known[file] ?? Infinity;
const files = [...find(path.join(root, 'src')), ...find(path.join(root, 'test'))]
  .map((file) => path.relative(root, file))
  .filter((file) => !filters.length || filters.some((filter) => file.includes(filter)))
  .filter((file) => !databaseOnly || fs.readFileSync(path.join(root, file), 'utf8').includes('helpers/databases.ts'))
  .sort()
  .sort((a, b) => expected(b) - expected(a));
if (!files.length) {
  console.error(`No test files match ${filters.join(' ')}`);
  process.exit(1);
}

// The usual report (spec on a terminal, TAP otherwise) plus the file times, unless the caller
// chose reporters.
const ownReporters = flags.some((flag) => flag.startsWith('--test-reporter'));
const timesFile = path.join(os.tmpdir(), `cxkpi-test-durations-${process.pid}.json`);
const reporters = ownReporters
  ? []
  : [
      `--test-reporter=${process.stdout.isTTY ? 'spec' : 'tap'}`,
      '--test-reporter-destination=stdout',
      `--test-reporter=${path.join(root, 'scripts', 'test-durations-reporter.js')}`,
      `--test-reporter-destination=${timesFile}`,
    ];
const started = performance.now();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...reporters, ...flags, ...files],
  { cwd: root, stdio: 'inherit' },
);

if (!ownReporters && fs.existsSync(timesFile)) {
  const times = Object.fromEntries(
    Object.entries(readJson(timesFile)).map(([file, ms]) => [path.relative(root, file), ms]),
  );
  fs.rmSync(timesFile, { force: true });
  // Times of a run narrowed by a flag (a name pattern) are not the files' times.
  if (!flags.length) {
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.writeFileSync(cacheFile, JSON.stringify({ ...known, ...times }, null, 2));
    } catch {
      // A read-only checkout keeps no times: files then run in name order.
    }
  }
  const slowest = Object.entries(times)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10);
  console.log(
    `\n# ${files.length} files in ${((performance.now() - started) / 1000).toFixed(1)} s, ${concurrency} at once; ` +
      `load average ${os.loadavg()[0].toFixed(2)}. Slowest files:`,
  );
  for (const [file, ms] of slowest) console.log(`#   ${(ms / 1000).toFixed(1).padStart(6)} s  ${file}`);
}
process.exit(result.status ?? 1);
