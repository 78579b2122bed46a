import { createHash, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { AppError } from '../../errors.ts';
import { countJobs } from '../../jobs/index.ts';
import type { AppDeps, AppEnv } from '../app.ts';
import type { Gauge, Telemetry } from '../telemetry.ts';

const require = createRequire(import.meta.url);
const { version } = require('../../../package.json') as { version: string };

/**
 * GET /metrics: the server's own numbers in the Prometheus text format, for a scraper holding
 * `Authorization: Bearer <CXKPI_METRICS_TOKEN>`. Without the setting the endpoint does not exist
 * (404), so nothing about the server is public by default.
 */
export function prometheusRoutes(deps: AppDeps, telemetry: Telemetry) {
  return new Hono<AppEnv>().get('/metrics', async (c) => {
    const expected = deps.config.metricsToken;
    if (!expected) return c.notFound();
    const sent = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
    if (!sameSecret(sent, expected)) {
      c.header('www-authenticate', 'Bearer realm="cxkpi metrics"');
      throw new AppError(401, 'unauthorized', 'GET /metrics needs Authorization: Bearer <CXKPI_METRICS_TOKEN>.');
    }
    const text = telemetry.render(await readGauges(deps));
    return c.body(text, 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      'cache-control': 'no-store',
    });
  });
}

/** Equal without leaking where they differ or how long the secret is: compares SHA-256 digests. */
function sameSecret(sent: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

async function readGauges(deps: AppDeps): Promise<Gauge[]> {
  const backend = deps.db.caps.name;
  const pool = deps.db.poolStats();
  const gauges: Gauge[] = [
    { name: 'cxkpi_build_info', help: 'The running version.', samples: [{ labels: { version, backend }, value: 1 }] },
    {
      name: 'cxkpi_process_start_time_seconds',
      help: 'When this process started, in seconds since the epoch.',
      samples: [{ value: Math.round((Date.now() - process.uptime() * 1000) / 1000) }],
    },
    {
      name: 'cxkpi_process_resident_memory_bytes',
      help: 'Resident memory of this process.',
      samples: [{ value: process.memoryUsage().rss }],
    },
    {
      name: 'cxkpi_db_pool_connections',
      help: 'Database connections by state (embedded PGlite: its single session).',
      samples: [
        { labels: { backend, state: 'max' }, value: pool.max },
        { labels: { backend, state: 'open' }, value: pool.total },
        { labels: { backend, state: 'idle' }, value: pool.idle },
      ],
    },
    {
      name: 'cxkpi_db_pool_waiting',
      help: 'Callers waiting for a database connection.',
      samples: [{ labels: { backend }, value: pool.waiting }],
    },
    {
      name: 'cxkpi_smtp_configured',
      help: 'Whether survey e-mails are sent (CXKPI_SMTP_URL); without it the e-mail queue is not drained.',
      samples: [{ value: deps.mailer ? 1 : 0 }],
    },
  ];
  try {
    const jobs = Object.entries(await countJobs(deps.db));
    gauges.push(
      {
        name: 'cxkpi_job_queue_depth',
        help: 'Jobs waiting to run or running (survey sweeps and e-mails, retries included), by kind.',
        samples: jobs.map(([kind, n]) => ({ labels: { kind }, value: n.queued })),
      },
      {
        name: 'cxkpi_jobs_dead',
        help: 'Jobs that failed their last attempt (kept 30 days; cxkpi jobs retry revives one), by kind.',
        samples: jobs.map(([kind, n]) => ({ labels: { kind }, value: n.dead })),
      },
    );
    gauges.push({
      name: 'cxkpi_database_up',
      help: 'Whether the last read of the database worked.',
      samples: [{ value: 1 }],
    });
  } catch (error) {
    deps.logger.error('metrics: reading the job queue failed', { error: String((error as Error).stack ?? error) });
    gauges.push({
      name: 'cxkpi_database_up',
      help: 'Whether the last read of the database worked.',
      samples: [{ value: 0 }],
    });
  }
  return gauges;
}
