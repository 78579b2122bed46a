import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from './api.ts';
import { chooseLanguage, storedLanguage } from './i18n.ts';
import type { Action, Me } from '../../src/contract/api.ts';

// GET /api/v1/auth/me's answer, declared once by the server; `can` takes the server's actions.
export type { Me };

interface SessionValue {
  me: Me | null;
  /** The first /auth/me has not answered yet. */
  checking: boolean;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  adopt(me: Me): void;
  refresh(): Promise<void>;
  can(action: Action): boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(true);

  const adopt = useCallback((value: Me) => {
    if (value.csrf_token) setCsrfToken(value.csrf_token);
    chooseLanguage(storedLanguage() ?? value.organization.language, false);
    setMe(value);
  }, []);

  const refresh = useCallback(async () => {
    try {
      adopt(await api<Me>('/auth/me'));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      setMe(null);
    }
  }, [adopt]);

  useEffect(() => {
    setUnauthorizedHandler(() => setMe(null));
    refresh()
      .catch(() => setMe(null))
      .finally(() => setChecking(false));
  }, [refresh]);

  const value: SessionValue = {
    me,
    checking,
    adopt,
    refresh,
    login: async (email, password) => adopt(await api<Me>('/auth/login', { body: { email, password } })),
    logout: async () => {
      try {
        await api('/auth/logout', { method: 'POST' });
      } finally {
        setCsrfToken(undefined);
        setMe(null);
      }
    },
    can: (action) => Boolean(me?.permissions.includes(action)),
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/**
 * Whether the caller's numbers are a part of the organization's (a team lead's teams, an agent's
 * team) rather than the whole, as GET /api/v1/auth/me says (`data_scope`). What they may query is
 * not decided here: the catalog's `queryable` says so per metric.
 */
export function isScoped(me: Me | null): boolean {
  return Boolean(me && me.data_scope !== 'organization');
}
