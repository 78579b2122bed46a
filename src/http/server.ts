import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { createApp } from './app.ts';
import type { Logger } from './logger.ts';

export interface RunningServer {
  url: string;
  /** Stops accepting connections, lets in-flight requests (imports) finish, then resolves. */
  close(): Promise<void>;
}

export async function startServer(deps: { db: Db; config: Config; logger: Logger }): Promise<RunningServer> {
  const app = createApp(deps);
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const server = serve({
    fetch: async (request: Request) => {
      inFlight++;
      try {
        return await app.fetch(request);
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
  return {
    url: `http://${host}:${address.port}`,
    close: async () => {
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
