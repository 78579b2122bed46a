import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { failAbandonedImports } from '../ingest/fail-abandoned-imports.ts';
import { createMailer } from '../mail/mailer.ts';
import { startJobRunner } from '../jobs/index.ts';
import { JOB_KINDS } from '../jobs/kinds.ts';
import { createApp } from './app.ts';
import type { Logger } from './logger.ts';

export interface RunningServer {
  url: string;
  /** Stops accepting connections, lets in-flight requests (imports) finish, then resolves. */
  close(): Promise<void>;
}

/** Base of links in e-mails: CXKPI_PUBLIC_URL, else the address the server listens on. */
export function publicUrl(config: Config): string {
  return config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
}

export async function startServer(deps: {
  db: Db;
  config: Config;
  logger: Logger;
  /** Run the job runner (survey invitations, e-mails, reminders). Default true. */
  jobs?: boolean;
}): Promise<RunningServer> {
  // Imports a killed process left `running` are marked failed before anyone reads the history.
  const abandoned = await failAbandonedImports(deps.db.kysely);
  if (abandoned) deps.logger.info('imports interrupted by a stopped process marked failed', { count: abandoned });
  const mailer = createMailer(deps.config);
  const app = createApp({ ...deps, mailer });
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const server = serve({
    fetch: async (request: Request, env: unknown) => {
      inFlight++;
      try {
        return await app.fetch(request, env);
      } finally {
        if (--inFlight === 0) idle?.();
      }
    },
    port: deps.config.port,
    hostname: deps.config.host,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  // Due jobs every few seconds; the survey sweep among them once a minute.
  const runner =
    deps.jobs === false
      ? undefined
      : startJobRunner({
          db: deps.db,
          mailer,
          publicUrl: deps.config.publicUrl ?? publicUrl({ ...deps.config, port: address.port }),
          logger: deps.logger,
          kinds: JOB_KINDS,
        });
  if (!mailer && deps.jobs !== false) {
    deps.logger.info('no SMTP server (CXKPI_SMTP_URL): survey links are made, nothing is e-mailed');
  }
  return {
    url,
    close: async () => {
      await runner?.stop();
      mailer?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (inFlight > 0) {
        deps.logger.info('waiting for requests in flight', { count: inFlight });
        await new Promise<void>((resolve) => (idle = resolve));
      }
      (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      await closed;
    },
  };
}

/** Runs until SIGINT or SIGTERM, then shuts down gracefully; a second signal exits at once. */
export function closeOnSignals(close: () => Promise<void>, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(130);
      stopping = true;
      logger.info('shutting down', { signal });
      close().then(resolve, (error) => {
        logger.error('shutdown failed', { error: String(error) });
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
