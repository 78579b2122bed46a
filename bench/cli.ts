/**
 * How long a person waits for the command line: `cxkpi --help`, `--version`, `metrics` and
 * `orgs list` on a PostgreSQL server and on embedded PGlite, compiled (bin/cxkpi.js running
 * dist/) and through tsx for comparison; then `cxkpi demo` from a fresh clone until
 * /api/v1/health answers, first start and a later one. Prints figures; never fails on time.
 *
 *   node --import tsx bench/cli.ts [--runs 5] [--database-url postgres://...] [--skip-demo] [--no-clone]
 *
 * Goals (issue 12): --help <= 0.3 s; metrics and orgs list <= 0.5 s on PostgreSQL, <= 3 s on
 * PGlite; first demo <= 20 s, later starts <= 5 s. The PostgreSQL runs create and drop a scratch
 * database next to the one in the URL. The fresh clone is `git clone` of this checkout's HEAD
 * plus `npm ci --offline` (npm's cache, no network), whose prepare step builds dist/, the
 * dashboard and the embedded-database template; --no-clone runs the demo of this checkout in an
 * empty data directory instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    'skip-demo': { type: 'boolean' },
    'no-clone': { type: 'boolean' },
  },
});
const root = path.resolve(import.meta.dirname, '..');
const runs = Number(values.runs);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-bench-cli-'));
const load = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

console.log(`bench/cli.ts on ${os.cpus().length} cores, Node ${process.version}; load average ${load()}`);
console.log('(a shared machine: other work runs beside this, so figures are upper bounds)\n');

if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) {
  console.log('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}

const compiled = [path.join(root, 'bin', 'cxkpi.js')];
const tsx = [
  '--import',
  'tsx',
  '--input-type=module',
  '-e',
  `const { main } = await import(${JSON.stringify(path.join(root, 'src', 'cli', 'main.ts'))});
process.exitCode = await main(process.argv.slice(1));`,
  // Keeps node from reading the command's flags (--help, --version) as its own after -e.
  '--',
];

/** Median and fastest wall time of `node <entry> <args>`, after one warm-up run. */
function time(entry: string[], args: string[]): { median: number; min: number } {
  const once = () => {
    const started = performance.now();
    const child = spawnSync(process.execPath, [...entry, ...args], { cwd: root, encoding: 'utf8' });
    const elapsed = performance.now() - started;
    if (child.status !== 0) throw new Error(`cxkpi ${args.join(' ')} failed: ${child.stderr}`);
    return elapsed;
  };
  once();
  const times = Array.from({ length: runs }, once).sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]! };
}

const scratch = `cxkpi_bench_cli_${process.pid}`;
const admin = new pg.Client({ connectionString: values['database-url'] });
await admin.connect();
await admin.query(`create database ${scratch}`);
// The scratch database goes also when the benchmark is interrupted.
process.once('SIGINT', () => void admin.query(`drop database if exists ${scratch}`).finally(() => process.exit(130)));
const serverUrl = new URL(values['database-url']!);
serverUrl.pathname = `/${scratch}`;
const pgliteDir = path.join(tmp, 'pglite');

try {
  // Both databases migrated and holding the default organization, as after a first start.
  for (const db of [
    ['--database-url', serverUrl.toString()],
    ['--data-dir', pgliteDir],
  ]) {
    const made = spawnSync(process.execPath, [...compiled, 'orgs', 'create', 'bench', ...db], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(made.stderr);
  }
  const rows: Array<[string, string, number]> = [
    ['cxkpi --help', '', 0.3],
    ['cxkpi --version', '', 0.3],
    ['cxkpi metrics', 'postgresql', 0.5],
    ['cxkpi orgs list', 'postgresql', 0.5],
    ['cxkpi metrics', 'pglite', 3],
    ['cxkpi orgs list', 'pglite', 3],
  ];
  console.log(`Commands: median (fastest) of ${runs} runs after a warm-up`);
  console.log('| command           | database   | compiled          | through tsx       | goal     |');
  console.log('| ----------------- | ---------- | ----------------- | ----------------- | -------- |');
  for (const [command, database, goal] of rows) {
    const args = command.split(' ').slice(1);
    if (database === 'postgresql') args.push('--database-url', serverUrl.toString());
    if (database === 'pglite') args.push('--data-dir', pgliteDir);
    const a = time(compiled, args);
    const b = time(tsx, args);
    const cell = (t: { median: number; min: number }) => `${seconds(t.median)} (${seconds(t.min)})`.padEnd(17);
    console.log(
      `| ${command.padEnd(17)} | ${(database || '-').padEnd(10)} | ${cell(a)} | ${cell(b)} | <= ${goal} s`.padEnd(79) +
        ' |',
    );
  }
  // What `npx` itself adds in front of the command (npm resolving the package's bin).
  const npx = Array.from({ length: runs }, () => {
    const started = performance.now();
    spawnSync('npx', ['--no-install', 'cxkpi', '--version'], { cwd: root });
    return performance.now() - started;
  }).sort((a, b) => a - b);
  console.log(`npx cxkpi --version: ${seconds(npx[Math.floor(npx.length / 2)]!)} (npm's own start included)`);
  console.log(`load average ${load()}\n`);
} finally {
  await admin.query(`drop database if exists ${scratch}`);
  await admin.end();
}

if (!values['skip-demo']) await benchDemo();
fs.rmSync(tmp, { recursive: true, force: true });

async function benchDemo() {
  let checkout = root;
  if (!values['no-clone']) {
    checkout = path.join(tmp, 'clone');
    const started = performance.now();
    const clone = spawnSync('git', ['clone', '--quiet', root, checkout], { encoding: 'utf8' });
    if (clone.status !== 0) throw new Error(clone.stderr);
    const ci = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: checkout,
      encoding: 'utf8',
    });
    if (ci.status !== 0) {
      console.log(`npm ci --offline failed (is npm's cache filled?), so no fresh clone:\n${ci.stderr}`);
      return;
    }
    console.log(`fresh clone: git clone + npm ci (with prepare's builds) took ${seconds(performance.now() - started)}`);
  }
  const dataDir = path.join(tmp, 'demo-data');
  console.log('Demo: from `npx cxkpi demo` until /api/v1/health answers');
  const first = await demoStart(checkout, dataDir);
  const later = await demoStart(checkout, dataDir);
  // The first output comes once npx found the command and the database is open; the first npx
  // in a new clone also links the package into npm's own cache, which takes npm seconds.
  console.log('| start                  | until healthy | first output | loading the demo               | goal    |');
  console.log('| ---------------------- | ------------- | ------------ | ------------------------------ | ------- |');
  for (const [name, run, goal] of [
    ['first (empty data dir)', first, '<= 20 s'],
    ['later (same data)', later, '<= 5 s'],
  ] as const) {
    const cells = [seconds(run.healthy).padEnd(13), seconds(run.firstOutput).padEnd(12), run.loaded.padEnd(30)];
    console.log(`| ${name.padEnd(22)} | ${cells.join(' | ')} | ${goal.padEnd(7)} |`);
  }
  console.log(`load average ${load()}`);
}

/** Starts `npx cxkpi demo` in `cwd`, waits until the API answers, stops it with Ctrl+C. */
async function demoStart(
  cwd: string,
  dataDir: string,
): Promise<{ healthy: number; loaded: string; firstOutput: number }> {
  const started = performance.now();
  // Its own process group: npx does not pass Ctrl+C on to the server, the group gets it.
  const child = spawn('npx', ['--no-install', 'cxkpi', 'demo', '--port', '0', '--data-dir', dataDir], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let firstOutput = 0;
  child.stdout.on('data', (chunk) => {
    firstOutput ||= performance.now() - started;
    output += chunk;
  });
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`cxkpi demo stopped:\n${output}`);
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        const response = await fetch(`${url}/api/v1/health`).catch(() => null);
        if (response?.ok) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const healthy = performance.now() - started;
    const loaded = /(generated and loaded in [\d.]+ s|already loaded \([\d.]+ s\))/.exec(output)?.[1] ?? '?';
    return { healthy, loaded, firstOutput };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGINT');
    await exited;
  }
}
