import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { verifyApiKey, type ApiKeyScope, type VerifiedKey } from '../auth/index.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { AppError, toAppError } from '../errors.ts';
import { getOrganization, type Organization } from '../orgs/index.ts';
import type { Logger } from './logger.ts';
import { docsRoutes } from './routes/docs.ts';
import { healthRoutes } from './routes/health.ts';
import { importRoutes } from './routes/import.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { rowsRoutes } from './routes/rows.ts';

/** What every route can reach: the database, the configuration, and the caller once known. */
export interface AppEnv {
  Variables: {
    requestId: string;
    auth: VerifiedKey;
    org: Organization;
  };
}

export interface AppDeps {
  db: Db;
  config: Config;
  logger: Logger;
}

export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    const started = performance.now();
    const requestId = c.req.header('x-request-id')?.slice(0, 100) || randomUUID();
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    await next();
    deps.logger.info('request', {
      request_id: requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      ...(c.get('auth') ? { key: c.get('auth').keyId } : {}),
    });
  });

  app.onError((error, c) => {
    const appError = toAppError(error);
    if (appError.status >= 500)
      deps.logger.error('request failed', {
        request_id: c.get('requestId'),
        error: (error as Error).stack ?? String(error),
      });
    return c.json(
      {
        error: {
          code: appError.code,
          message: appError.message,
          ...(appError.details !== undefined ? { details: appError.details } : {}),
        },
      },
      appError.status as 400,
    );
  });

  app.notFound((c) =>
    c.json({ error: { code: 'not-found', message: `There is no ${c.req.method} ${c.req.path}; see /api/docs.` } }, 404),
  );

  app.route('/', healthRoutes(deps));
  app.route('/', docsRoutes());
  app.route('/', importRoutes(deps));
  app.route('/', metricsRoutes(deps));
  // Last: /api/v1/{entity} would otherwise take /api/v1/metrics.
  app.route('/', rowsRoutes(deps));
  return app;
}

/** Middleware: a valid API key with one of `scopes`; sets `auth` and `org`. */
export function requireKey(deps: AppDeps, scopes: ApiKeyScope[]) {
  return async (c: import('hono').Context<AppEnv>, next: () => Promise<void>) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new AppError(
        401,
        'unauthorized',
        'Send an API key: Authorization: Bearer <key> (create one with `cxkpi keys create`).',
      );
    const verified = await verifyApiKey(deps.db.kysely, match[1]!);
    if (!verified) throw new AppError(401, 'unauthorized', 'The API key is unknown or revoked.');
    if (!scopes.includes(verified.scope)) {
      throw new AppError(
        403,
        'forbidden',
        `This ${verified.scope} key cannot do this; it needs a ${scopes.join(' or ')} key.`,
      );
    }
    c.set('auth', verified);
    c.set('org', await getOrganization(deps.db.kysely, verified.orgId));
    await next();
  };
}
