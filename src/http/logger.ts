import type { Config } from '../config.ts';

/** One JSON line per event on stderr; never pass secrets (keys, passwords) in `fields`. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const levels = { silent: 0, error: 1, info: 2, debug: 3 } as const;

export function createLogger(
  level: Config['logLevel'],
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const at = levels[level];
  const log = (severity: 'info' | 'error', message: string, fields?: Record<string, unknown>) => {
    if (levels[severity] > at) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: severity, message, ...fields })}\n`);
  };
  return { info: (m, f) => log('info', m, f), error: (m, f) => log('error', m, f) };
}
