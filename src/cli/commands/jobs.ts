import { badRequest } from '../../errors.ts';
import { JOB_STATES, listJobs, retryJob, runDueJobs, type JobState } from '../../jobs/index.ts';
import { JOB_KINDS } from '../../jobs/kinds.ts';
import { createLogger } from '../../http/logger.ts';
import { publicUrl } from '../../http/server.ts';
import { createMailer } from '../../mail/mailer.ts';
import {
  configFrom,
  databaseOptions,
  parseCommand,
  parseFormatFlag,
  parseLimitFlag,
  resolveOrganization,
  withDatabase,
  type Io,
} from '../context.ts';

const help = `Usage:
  cxkpi jobs run-once [--at TIME]        run every due job (survey sweeps and e-mails) and exit
  cxkpi jobs list [--state pending|running|done|dead] [--kind KIND] [--limit N] [--format table|json]
  cxkpi jobs retry <id>                  give a dead job a new round of attempts

run-once does what a running server does every few seconds, for every organization; use it from
cron when no server runs. --at acts as if it were that time (ISO 8601), for tests and catching up.`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    at: { type: 'string' },
    state: { type: 'string' },
    kind: { type: 'string' },
    limit: { type: 'string' },
    format: { type: 'string' },
  });
  const [action, target] = positionals;
  if (values.help || !action) return (io.out(help), values.help ? 0 : 2);
  const format = parseFormatFlag(values.format, ['table', 'json']);
  const config = configFrom(values);
  return withDatabase(config, async (db) => {
    if (action === 'run-once') {
      const now = values.at ? new Date(values.at) : new Date();
      if (Number.isNaN(now.getTime())) throw badRequest('invalid-time', `--at "${values.at}" is not an ISO 8601 time.`);
      const mailer = createMailer(config);
      try {
        const summary = await runDueJobs(
          { db, mailer, publicUrl: publicUrl(config), logger: createLogger(config.logLevel), now },
          { kinds: JOB_KINDS },
        );
        if (format === 'json') io.out(JSON.stringify(summary));
        else {
          const totals = Object.entries(summary.totals).map(([name, n]) => `${name} ${n}`);
          io.out(
            `Ran ${summary.ran} job(s): ${summary.done} done, ${summary.retried} to retry, ${summary.dead} dead` +
              (totals.length ? ` (${totals.join(', ')})` : '') +
              (mailer ? '' : '. No SMTP server (CXKPI_SMTP_URL): nothing was e-mailed.'),
          );
        }
        return summary.dead ? 1 : 0;
      } finally {
        mailer?.close();
      }
    }
    const org = await resolveOrganization(db, config, values.org);
    if (action === 'list') {
      if (values.state && !JOB_STATES.includes(values.state as JobState))
        throw badRequest('invalid-state', `--state is one of ${JOB_STATES.join(', ')}.`);
      const limit = parseLimitFlag(values.limit);
      const jobs = await listJobs(db, org.id, {
        state: values.state as JobState | undefined,
        kind: values.kind,
        limit,
      });
      if (format === 'json') io.out(JSON.stringify({ jobs }));
      else if (!jobs.length) io.out('No jobs.');
      else
        for (const job of jobs)
          io.out(
            [
              job.created_at.toISOString().slice(0, 19) + 'Z',
              job.kind.padEnd(14),
              job.state.padEnd(7),
              `attempts ${job.attempts}/${job.max_attempts}`,
              job.state === 'pending' && job.attempts ? `next ${job.run_at.toISOString()}` : '',
              job.last_error ? `last error: ${job.last_error}` : '',
              job.id,
            ]
              .filter(Boolean)
              .join('  '),
          );
      return 0;
    }
    if (action === 'retry' && target) {
      await retryJob(db, org.id, target);
      io.out(`Job ${target} will be tried again.`);
      return 0;
    }
    io.err(help);
    return 2;
  });
}
