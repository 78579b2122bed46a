import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import {
  assertCan,
  memberAccess,
  verifyApiKey,
  verifySession,
  type Access,
  type Action,
  type SessionInfo,
} from '../auth/index.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { AppError, toAppError } from '../errors.ts';
import { getOrganization, type Organization } from '../orgs/index.ts';
import type { Mailer } from '../mail/mailer.ts';
import { isSaneRequestId, runWithRequestId, type Logger } from './logger.ts';
import { matchedRoutes } from 'hono/route';
import { createTelemetry, type Telemetry } from './telemetry.ts';
import { prometheusRoutes } from './routes/prometheus.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { directoryRoutes } from './routes/directory.ts';
import { docsRoutes } from './routes/docs.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { sentimentRoutes } from './routes/sentiment.ts';
import { themeRoutes } from './routes/themes.ts';
import { driverRoutes } from './routes/drivers.ts';
import { healthRoutes } from './routes/health.ts';
import { importRoutes } from './routes/import.ts';
import { importsRoutes } from './routes/imports.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { rowsRoutes } from './routes/rows.ts';
import { webRoutes } from './routes/web.ts';
import { surveyPageRoutes } from './routes/survey-pages.ts';
import { surveyRoutes } from './routes/surveys.ts';
import { targetRoutes } from './routes/targets.ts';
import { alertRoutes } from './routes/alerts.ts';
import { reportRoutes } from './routes/reports.ts';
import { analyticsRoutes } from './routes/analytics.ts';

/** What every route can reach: the database, the configuration, and the caller once known. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set when no route answered (the not-found handler), for the route label of /metrics. */
    unmatched: boolean;
    access: Access;
    session: SessionInfo;
    org: Organization;
  };
}

export interface AppDeps {
  db: Db;
  config: Config;
  logger: Logger;
  /** SMTP for survey e-mails; absent: links only. */
  mailer?: Mailer;
  /** Counters for GET /metrics; createApp makes one when absent. */
  telemetry?: Telemetry;
}

export function createApp(appDeps: AppDeps) {
  const telemetry = appDeps.telemetry ?? createTelemetry();
  const deps: AppDeps = { ...appDeps, telemetry };
  const app = new Hono<AppEnv>();

  // Every request gets an id (a sane incoming X-Request-Id, else a new one) that its log lines,
  // including those of modules it calls, and its error answer carry.
  app.use('*', async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = isSaneRequestId(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    await runWithRequestId(requestId, async () => {
      await next();
      const seconds = (performance.now() - started) / 1000;
      telemetry.recordRequest({ method: c.req.method, route: routeLabel(c), status: c.res.status, seconds });
      deps.logger.info('request', {
        method: c.req.method,
        // Survey and invitation links are credentials of their recipient: never logged whole.
        path: c.req.path.replace(/^\/(s|w|invite)\/[^/]+/, '/$1/[token]'),
        status: c.res.status,
        ms: Math.round(seconds * 1000),
        ...(c.get('access') ? { actor: c.get('access').actorId, kind: c.get('access').kind } : {}),
      });
    });
  });

  app.onError((error, c) => {
    const appError = toAppError(error);
    if (appError.status >= 500) deps.logger.error('request failed', { error: (error as Error).stack ?? String(error) });
    return c.json(errorBody(c, appError.code, appError.message, appError.details), appError.status as 400);
  });

  app.notFound((c) => {
    c.set('unmatched', true);
    return c.json(errorBody(c, 'not-found', `There is no ${c.req.method} ${c.req.path}; see /api/docs.`), 404);
  });

  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: 'same-origin',
  });
  // Survey pages set their own policy: they may be framed (the widget) and load nothing.
  app.use('*', (c, next) => (/^\/(s|w)\//.test(c.req.path) ? next() : headers(c, next)));
  // JSON bodies are small; imports stream up to CXKPI_MAX_IMPORT_BYTES on their own route.
  app.use('/api/v1/*', async (c, next) => {
    if (c.req.path.startsWith('/api/v1/import/')) return next();
    return bodyLimit({
      maxSize: 1024 * 1024,
      onError: () => {
        throw new AppError(413, 'body-too-large', 'A request body is at most 1 MiB (imports excepted).');
      },
    })(c, next);
  });

  app.use('*', async (c, next) => {
    if (!/^\/(s|w)\//.test(c.req.path)) return next();
    return bodyLimit({
      maxSize: 64 * 1024,
      onError: () => {
        throw new AppError(413, 'body-too-large', 'A survey answer is at most 64 KiB.');
      },
    })(c, next);
  });

  app.route('/', healthRoutes(deps));
  app.route('/', prometheusRoutes(deps, telemetry));
  app.route('/', authRoutes(deps));
  app.route('/', adminRoutes(deps));
  app.route('/', surveyRoutes(deps));
  app.route('/', targetRoutes(deps));
  app.route('/', alertRoutes(deps));
  app.route('/', reportRoutes(deps));
  app.route('/', analyticsRoutes(deps));
  app.route('/', surveyPageRoutes(deps));
  app.route('/', docsRoutes());
  app.route('/', importRoutes(deps));
  app.route('/', metricsRoutes(deps));
  app.route('/', directoryRoutes(deps));
  app.route('/', feedbackRoutes(deps));
  app.route('/', sentimentRoutes(deps));
  app.route('/', themeRoutes(deps));
  app.route('/', driverRoutes(deps));
  app.route('/', importsRoutes(deps));
  // Last: /api/v1/{entity} would otherwise take /api/v1/metrics.
  app.route('/', rowsRoutes(deps));
  // After every API route: the dashboard's files, and its page for every other address.
  app.route('/', webRoutes());
  return app;
}

/** The error answer of every route: `{error: {code, message, details?, request_id}}`. */
export function errorBody(c: Context<AppEnv>, code: string, message: string, details?: unknown) {
  return {
    error: { code, message, ...(details !== undefined ? { details } : {}), request_id: c.get('requestId') },
  };
}

/**
 * The route pattern that answered (`/api/v1/surveys/:id`), never the raw path, so that ids and
 * survey tokens do not become label values; `unmatched` when no route did.
 */
function routeLabel(c: Context<AppEnv>): string {
  if (c.get('unmatched')) return 'unmatched';
  return matchedRoutes(c)[c.req.routeIndex]?.path ?? 'unmatched';
}

export const SESSION_COOKIE = 'cxkpi_session';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Middleware: the caller (an API key in `Authorization: Bearer`, or a session cookie) may do
 * `action`; sets `access` and `org`. A request authenticated by cookie that changes anything must
 * carry the session's CSRF token in `X-CSRF-Token` and, when the browser sends one, an Origin of
 * this server.
 */
export function requireAccess(deps: AppDeps, action: Action) {
  return async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const access = await authenticateRequest(deps, c);
    assertCan(access, action);
    await next();
  };
}

/** The caller of a request, or 401; also sets `access`, `org` and, for cookies, `session`. */
export async function authenticateRequest(deps: AppDeps, c: Context<AppEnv>): Promise<Access> {
  const known = c.get('access');
  if (known) return known;
  const header = c.req.header('authorization');
  let access: Access | undefined;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const verified = match ? await verifyApiKey(deps.db.kysely, match[1]!) : undefined;
    if (!verified) throw new AppError(401, 'unauthorized', 'The API key is unknown or revoked.');
    const key = await deps.db.kysely
      .selectFrom('api_key')
      .select('name')
      .where('org_id', '=', verified.orgId)
      .where('id', '=', verified.keyId)
      .executeTakeFirstOrThrow();
    access = {
      orgId: verified.orgId,
      kind: 'api_key',
      role: `key:${verified.scope}`,
      actorId: verified.keyId,
      actor: `API key ${key.name}`,
    };
  } else {
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await verifySession(deps.db.kysely, token) : undefined;
    if (session) {
      access = await memberAccess(deps.db.kysely, session.orgId, session.userId);
      if (access) {
        c.set('session', session);
        if (UNSAFE.has(c.req.method)) checkCsrf(deps, c, session);
      }
    }
  }
  if (!access) {
    throw new AppError(
      401,
      'unauthorized',
      'Log in (POST /api/v1/auth/login) or send an API key: Authorization: Bearer <key> (cxkpi keys create).',
    );
  }
  c.set('access', access);
  c.set('org', await getOrganization(deps.db.kysely, access.orgId));
  return access;
}

function checkCsrf(deps: AppDeps, c: Context<AppEnv>, session: SessionInfo) {
  // Compared as bytes: a header with non-ASCII characters has more bytes than characters.
  const sent = Buffer.from(c.req.header('x-csrf-token') ?? '');
  const expected = Buffer.from(session.csrfToken);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    throw new AppError(403, 'csrf', 'Missing or wrong X-CSRF-Token header (GET /api/v1/auth/me gives it).');
  }
  checkOrigin(deps, c);
}

/**
 * Refuses a request a browser sent from another site: an Origin of another host (or one that is
 * not a URL), or, without an Origin, `Sec-Fetch-Site: cross-site`. Requests without either
 * header (scripts, curl) pass; they carry no ambient cookie of a victim. Behind a trusted proxy
 * the host the browser used may arrive as X-Forwarded-Host.
 */
export function checkOrigin(deps: AppDeps, c: Context<AppEnv>) {
  const origin = c.req.header('origin');
  if (origin && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      // not a URL: refused below
    }
    const forwarded = deps.config.trustProxy ? c.req.header('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
    if (!host || (host !== new URL(c.req.url).host && host !== forwarded)) {
      throw new AppError(403, 'csrf', `Requests from ${origin} are not accepted.`);
    }
  } else if (c.req.header('sec-fetch-site') === 'cross-site') {
    throw new AppError(403, 'csrf', 'Requests from other sites are not accepted.');
  }
}
