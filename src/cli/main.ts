import fs from 'node:fs';
import { toAppError } from '../errors.ts';
import { processIo, type Io } from './io.ts';

/**
 * The `cxkpi` command line: one module per command under ./commands, each parsing its own
 * arguments and calling the same functions the HTTP API calls. A command's module (and with it
 * Kysely, the database driver, Hono) loads only when that command runs, so `--help` and
 * `--version` answer without loading any of them.
 */
type Command = { summary: string; load: () => Promise<{ run(args: string[], io: Io): Promise<number> }> };

const commands: Record<string, Command> = {
  demo: {
    summary: 'generate a realistic 12-month demo organization, then serve it',
    load: () => import('./commands/demo.ts'),
  },
  serve: { summary: 'start the HTTP API', load: () => import('./commands/serve.ts') },
  migrate: { summary: 'apply pending database migrations', load: () => import('./commands/migrate.ts') },
  import: {
    summary: 'import a CSV, JSON Lines or JSON file into an entity',
    load: () => import('./commands/import.ts'),
  },
  entities: { summary: 'list the importable entities and their fields', load: () => import('./commands/entities.ts') },
  query: { summary: 'compute KPIs by period and group, with intervals', load: () => import('./commands/query.ts') },
  metrics: { summary: 'list the KPI catalog', load: () => import('./commands/metrics.ts') },
  targets: { summary: 'set, list and delete KPI targets', load: () => import('./commands/targets.ts') },
  alerts: {
    summary: 'threshold, missed-target and anomaly alerts: create, evaluate, history',
    load: () => import('./commands/alerts.ts'),
  },
  scorecard: {
    summary: "a team's or agent's KPIs against their targets for a period",
    load: () => import('./commands/scorecard.ts'),
  },
  orgs: {
    summary: 'create and list organizations',
    load: () => import('./commands/orgs.ts'),
  },
  keys: { summary: 'create, list and revoke API keys', load: () => import('./commands/keys.ts') },
  user: { summary: 'add people, list them, reset a password', load: () => import('./commands/user.ts') },
  reports: {
    summary: 'scheduled KPI reports by e-mail (PDF, XLSX, HTML): create, preview, send',
    load: () => import('./commands/reports.ts'),
  },
  experiments: {
    summary: 'A/B tests of service changes: create, analyze, plan the sample size',
    load: () => import('./commands/experiments.ts'),
  },
  cohorts: {
    summary: 'retention matrix by signup or first-order month and months since',
    load: () => import('./commands/cohorts.ts'),
  },
  benchmarks: {
    summary: 'industry reference values beside the KPIs (shipped, versioned, with sources) and your own',
    load: () => import('./commands/benchmarks.ts'),
  },
  'clv-model': {
    summary: 'fit BG/NBD + Gamma-Gamma over completed orders: expected purchases, P(alive), value',
    load: () => import('./commands/clv-model.ts'),
  },
  jobs: {
    summary: 'run due jobs once (for cron), list them, retry dead ones',
    load: () => import('./commands/jobs.ts'),
  },
  rollups: {
    summary: 'rebuild the rollups that answer queries fast, or check them against raw rows',
    load: () => import('./commands/rollups.ts'),
  },
  sentiment: {
    summary: 'read the sentiment (five classes, score) of comments in en, ru or lt',
    load: () => import('./commands/sentiment.ts'),
  },
  themes: {
    summary: 'feedback themes: list, set, reset, and their mentions beside attribute ratings',
    load: () => import('./commands/themes.ts'),
  },
  drivers: {
    summary: "key drivers of CSAT or NPS: Johnson's relative weights of the attribute ratings",
    load: () => import('./commands/drivers.ts'),
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    'Usage: cxkpi <command> [options]',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'Database: --data-dir DIR (embedded, default ./cxkpi-data) or --database-url postgres://...',
    'Run `cxkpi <command> --help` for the options of a command.',
  ].join('\n');
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    io.out(pkg.version);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`cxkpi: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load()).run(args, io);
  } catch (error) {
    const appError = toAppError(error);
    if (appError.code === 'internal-error') io.err(`cxkpi ${name}: ${(error as Error).stack ?? String(error)}`);
    else io.err(`cxkpi ${name}: ${appError.message}`);
    return appError.status >= 500 ? 1 : 2;
  }
}
