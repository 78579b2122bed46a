import type { Context } from 'hono';
import { AppError } from '../errors.ts';
import type { AppDeps, AppEnv } from './app.ts';

/**
 * Fixed-window request limits per client address, kept in memory (one server process; behind
 * several processes each counts its own). Used on the endpoints anyone can reach: login,
 * invitations, and later the survey pages.
 */
export function clientAddress(deps: AppDeps, c: Context<AppEnv>): string {
  if (deps.config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded.slice(0, 100);
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

export function isHttps(deps: AppDeps, c: Context<AppEnv>): boolean {
  if (deps.config.trustProxy && c.req.header('x-forwarded-proto') === 'https') return true;
  return new URL(c.req.url).protocol === 'https:';
}

export interface RateLimit {
  name: string;
  windowMs: number;
  max: number;
}

export function rateLimit(deps: AppDeps, limit: RateLimit) {
  const windows = new Map<string, { start: number; count: number }>();
  return async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const now = Date.now();
    const key = clientAddress(deps, c);
    let window = windows.get(key);
    if (!window || now - window.start >= limit.windowMs) {
      window = { start: now, count: 0 };
      windows.set(key, window);
      // Forget finished windows now and then so the map does not grow with every address.
      if (windows.size > 10_000) {
        for (const [k, w] of windows) if (now - w.start >= limit.windowMs) windows.delete(k);
      }
    }
    window.count++;
    if (window.count > limit.max) {
      const retry = Math.ceil((window.start + limit.windowMs - now) / 1000);
      c.header('retry-after', String(retry));
      throw new AppError(429, 'rate-limited', `Too many ${limit.name} requests; try again in ${retry} s.`);
    }
    await next();
  };
}
