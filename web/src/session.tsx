import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from './api.ts';
import { chooseLanguage, storedLanguage, type Language } from './i18n.ts';

export interface Me {
  kind: 'user' | 'api_key';
  user: { id: string; email: string; name: string } | null;
  role: string;
  teams: string[] | null;
  agent_id: string | null;
  permissions: string[];
  organization: { slug: string; name: string; timezone: string; currency: string; language: Language };
  organizations: Array<{ slug: string; name: string; role: string }>;
  csrf_token?: string;
}

interface SessionValue {
  me: Me | null;
  /** The first /auth/me has not answered yet. */
  checking: boolean;
  login(email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  adopt(me: Me): void;
  refresh(): Promise<void>;
  can(action: string): boolean;
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

/** Team leads and agents see their part of the data: no customer or revenue metrics. */
export function isScoped(me: Me | null): boolean {
  return Boolean(me && (me.teams !== null || me.agent_id !== null));
}
