import { AsyncLocalStorage } from 'node:async_hooks';
import type { Config } from '../config.ts';

/** One JSON line per event on stderr; never pass secrets (keys, passwords) in `fields`. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const levels = { silent: 0, error: 1, info: 2, debug: 3 } as const;

/**
 * The request being served, carried through every await: a log line written anywhere while a
 * request runs (a route, a module it calls) gets its `request_id` without passing it along.
 */
const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return requestContext.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** An incoming X-Request-Id is kept when it is a plain token (a UUID, a proxy's hex id), else replaced. */
export function isSaneRequestId(value: string | undefined): value is string {
  return value !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(value);
}

export function createLogger(
  level: Config['logLevel'],
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const at = levels[level];
  const log = (severity: 'info' | 'error', message: string, fields?: Record<string, unknown>) => {
    if (levels[severity] > at) return;
    const requestId = currentRequestId();
    const line = {
      time: new Date().toISOString(),
      level: severity,
      message,
      ...(requestId ? { request_id: requestId } : {}),
      ...fields,
    };
    write(`${JSON.stringify(line)}\n`);
  };
  return { info: (m, f) => log('info', m, f), error: (m, f) => log('error', m, f) };
}
