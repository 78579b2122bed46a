import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from './api.ts';

/** A request's state for a screen: loading, its data, or an error to show with a retry. */
export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/** Loads `path` (GET, or POST with `body`) whenever the key changes; stale answers are dropped. */
export function useApi<T>(
  path: string | null,
  options: { body?: unknown; query?: Record<string, string | number | boolean | string[] | undefined | null> } = {},
): Loaded<T> {
  const key = path === null ? null : JSON.stringify([path, options.body, options.query]);
  const [state, setState] = useState<{ key: string | null; data?: T; error?: ApiError }>({ key: null });
  const [attempt, setAttempt] = useState(0);
  const current = useRef(key);
  current.current = key;

  useEffect(() => {
    if (key === null || path === null) return;
    const controller = new AbortController();
    api<T>(path, { ...options, signal: controller.signal }).then(
      (data) => current.current === key && setState({ key, data }),
      (error: unknown) => {
        if ((error as Error).name === 'AbortError') return;
        if (current.current === key)
          setState({
            key,
            error: error instanceof ApiError ? error : new ApiError(0, 'client', String((error as Error).message)),
          });
      },
    );
    return () => controller.abort();
    // The key holds path and options.
  }, [key, attempt]);

  const fresh = state.key === key;
  return {
    data: fresh ? state.data : undefined,
    error: fresh ? state.error : undefined,
    loading: key !== null && (!fresh || (state.data === undefined && state.error === undefined)),
    reload: () => {
      setState({ key: null });
      setAttempt((n) => n + 1);
    },
  };
}
