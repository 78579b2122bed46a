import path from 'node:path';
import { z } from 'zod';
import { isTimeZone } from './calendar/zoned-time.ts';
import { AppError } from './errors.ts';

export { isTimeZone };

/**
 * All configuration, read and validated in one place: command-line flags win over environment
 * variables, which win over defaults. A bad value stops the program before it opens a port or a
 * database.
 */
export const ZConfig = z.object({
  dataDir: z.string().min(1).default('./cxkpi-data'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  host: z.string().min(1).default('127.0.0.1'),
  logLevel: z.enum(['silent', 'error', 'info', 'debug']).default('info'),
  /** Largest request body the HTTP server accepts for imports, in bytes. */
  maxImportBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(512 * 1024 * 1024),
  /** Longest record (CSV row, JSON line or element) an import accepts, in bytes. */
  maxRecordBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /** Settings of the organization created on first start. */
  defaultTimezone: z.string().default('UTC').refine(isTimeZone, 'is not an IANA time zone'),
  defaultCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
    .default('EUR'),
  /** Connections the server keeps open to a PostgreSQL server. */
  poolSize: z.coerce.number().int().min(1).max(100).default(10),
  /** SMTP server for survey e-mails, smtp://user:pass@host:587 or smtps://...; none: links only. */
  smtpUrl: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  /** Sender of survey e-mails. */
  mailFrom: z.string().min(3).default('cxkpi surveys <surveys@localhost>'),
  /** The address people reach this server at, for links in e-mails (default http://HOST:PORT). */
  publicUrl: z
    .string()
    .regex(/^https?:\/\/[^/]+$/, 'is a scheme and host without a path, such as https://cx.example.com')
    .optional(),
  /** Requests per minute and client address on the public survey pages. */
  surveyRateLimit: z.coerce.number().int().min(1).default(120),
  /**
   * Behind a reverse proxy: take the client address from X-Forwarded-For and HTTPS from
   * X-Forwarded-Proto (for rate limits and Secure cookies). Only when a proxy sets them.
   */
  trustProxy: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Bearer token a Prometheus scraper sends to GET /metrics; unset: the endpoint is off (404). */
  metricsToken: z
    .string()
    .min(16, 'is at least 16 characters (for example: openssl rand -hex 32)')
    .regex(/^\S+$/, 'has no spaces')
    .optional(),
});
export type Config = z.infer<typeof ZConfig>;

export type ConfigFlags = Partial<Record<keyof Config, string | number | boolean | undefined>>;

const envNames: Record<keyof Config, string[]> = {
  dataDir: ['CXKPI_DATA_DIR'],
  databaseUrl: ['DATABASE_URL'],
  port: ['CXKPI_PORT', 'PORT'],
  host: ['CXKPI_HOST'],
  logLevel: ['CXKPI_LOG_LEVEL'],
  maxImportBytes: ['CXKPI_MAX_IMPORT_BYTES'],
  maxRecordBytes: ['CXKPI_MAX_RECORD_BYTES'],
  defaultTimezone: ['CXKPI_TIMEZONE'],
  defaultCurrency: ['CXKPI_CURRENCY'],
  poolSize: ['CXKPI_POOL_SIZE'],
  trustProxy: ['CXKPI_TRUST_PROXY'],
  smtpUrl: ['CXKPI_SMTP_URL'],
  mailFrom: ['CXKPI_MAIL_FROM'],
  publicUrl: ['CXKPI_PUBLIC_URL'],
  surveyRateLimit: ['CXKPI_SURVEY_RATE_LIMIT'],
  metricsToken: ['CXKPI_METRICS_TOKEN'],
};

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, unknown> = {};
  for (const [key, names] of Object.entries(envNames)) {
    const fromEnv = names.map((name) => env[name]).find((value) => value !== undefined && value !== '');
    const fromFlag = flags[key as keyof Config];
    const value = fromFlag ?? fromEnv;
    if (value !== undefined) input[key] = value;
  }
  const parsed = ZConfig.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]) as keyof Config;
      return { setting: key, env: envNames[key]?.[0], reason: issue.message };
    });
    const list = details.map((d) => `${d.setting} (${d.env}): ${d.reason}`).join('; ');
    throw new AppError(400, 'invalid-config', `Invalid configuration: ${list}`, details);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.dataDir) };
}
