/**
 * Survey answers recorded per second through the HTTP endpoint (POST /s/<token>, the form a
 * respondent submits), with latency percentiles, on a PostgreSQL server. Prints figures; never
 * fails on time.
 *
 *   node --import tsx bench/survey-responses.ts [--invitations 50000] [--seconds 10] [--concurrency 32]
 *       [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--keep]
 *
 * The server runs in a child process (as `cxkpi serve` would), the load comes from this one over
 * keep-alive connections; each request answers a different invitation, so every one is a new
 * survey_response row (once all are used, further requests change existing answers).
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/connect.ts';
import { createLogger } from '../src/http/logger.ts';
import { startServer } from '../src/http/server.ts';
import { createOrganization } from '../src/orgs/index.ts';
import { saveSurvey } from '../src/surveys/definitions.ts';
import { invitationToken } from '../src/surveys/links.ts';

const { values } = parseArgs({
  options: {
    invitations: { type: 'string', default: '50000' },
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '32' },
    'database-url': {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    child: { type: 'string' },
    keep: { type: 'boolean' },
  },
});

if (values.child) {
  // The server: prints its address, serves until killed.
  const config = loadConfig(
    { port: 0, databaseUrl: values.child, surveyRateLimit: 1_000_000_000, logLevel: 'silent' },
    {},
  );
  const db = await openDatabase(config, { migrate: false });
  const server = await startServer({ db, config, logger: createLogger('silent'), jobs: false });
  console.log(`LISTENING ${server.url}`);
} else {
  await run();
}

async function run() {
  const base = new URL(values['database-url']!);
  const name = `cxkpi_bench_survey_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  try {
    const count = Number(values.invitations);
    const started = performance.now();
    const db = await openDatabase(loadConfig({ databaseUrl: url.toString() }, {}));
    const org = await createOrganization(db.kysely, { slug: 'bench', name: 'Bench', timezone: 'UTC' });
    await saveSurvey(db, org, { id: 'pulse', name: 'Pulse', kind: 'nps', attributes: ['speed'] }, 'create');
    const ids = await sql<{ id: string }>`
      insert into survey_invitation (org_id, survey_id, customer_id, team_id, language, source, expires_at)
      select ${org.id}::uuid, 'pulse', 'c-' || n, 't-' || (n % 20), 'en', 'batch', now() + interval '30 days'
      from generate_series(1, ${count}::int) n
      returning id`.execute(db.kysely);
    const tokens = await Promise.all(ids.rows.map((r) => invitationToken(db, org.id, r.id)));
    await db.close();
    console.log(
      `Prepared ${count.toLocaleString('en')} invitations in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(`Machine: ${os.cpus().length} cores, Node ${process.version}; concurrency ${values.concurrency}\n`);

    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', url.toString()], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /LISTENING (\S+)/.exec(chunk.toString());
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    });
    try {
      const target = new URL(address);
      const agent = new http.Agent({ keepAlive: true, maxSockets: Number(values.concurrency) });
      let next = 0;
      const post = (token: string, score: number) =>
        new Promise<number>((resolve, reject) => {
          const body = `score=${score}`;
          const t0 = performance.now();
          const request = http.request(
            {
              host: target.hostname,
              port: target.port,
              path: `/s/${token}`,
              method: 'POST',
              agent,
              headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
            },
            (response) => {
              response.resume();
              response.on('end', () =>
                response.statusCode === 303
                  ? resolve(performance.now() - t0)
                  : reject(new Error(`status ${response.statusCode}`)),
              );
            },
          );
          request.on('error', reject);
          request.end(body);
        });
      const load = async (seconds: number) => {
        const latencies: number[] = [];
        const until = performance.now() + seconds * 1000;
        await Promise.all(
          Array.from({ length: Number(values.concurrency) }, async () => {
            while (performance.now() < until) {
              const i = next++;
              latencies.push(await post(tokens[i % tokens.length]!, i % 11));
            }
          }),
        );
        return latencies;
      };
      await load(2); // warm-up: connections, JIT, plans
      const seconds = Number(values.seconds);
      const latencies = (await load(seconds)).sort((a, b) => a - b);
      const pct = (p: number) =>
        latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
      console.log(
        `| ${new Date().toISOString().slice(0, 10)}, PostgreSQL | responses/s | p50 ms | p95 ms | p99 ms | max ms |`,
      );
      console.log('| --- | --- | --- | --- | --- | --- |');
      console.log(
        `| POST /s/<token>, ${values.concurrency} concurrent | ${Math.round(latencies.length / seconds).toLocaleString('en')} | ` +
          `${pct(0.5)} | ${pct(0.95)} | ${pct(0.99)} | ${latencies.at(-1)!.toFixed(1)} |`,
      );
      const check = new pg.Client({ connectionString: url.toString() });
      await check.connect();
      const stored = await check.query('select count(*)::int as n from survey_response');
      await check.end();
      console.log(`\nStored answers: ${stored.rows[0].n.toLocaleString('en')} (one per invitation answered)`);
      agent.destroy();
    } finally {
      child.kill();
    }
  } finally {
    if (!values.keep) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
