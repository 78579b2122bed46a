import { Suspense, lazy, type ReactNode } from 'react';
import { CatalogProvider } from './catalog.tsx';
import { Layout } from './components/layout.tsx';
import { Loading, NotAllowed } from './components/states.tsx';
import { AcceptInvitation } from './pages/accept-invitation.tsx';
import { Login } from './pages/login.tsx';
import { NotFound } from './pages/not-found.tsx';
import { Overview } from './pages/overview.tsx';
import { useLocation } from './router.tsx';
import { SessionProvider, useSession } from './session.tsx';
import type { Action } from '../../src/contract/api.ts';

// The overview is in the first bundle; other screens load when opened.
const Explorer = lazy(() => import('./pages/explorer.tsx'));
const Teams = lazy(() => import('./pages/teams.tsx'));
const TeamPage = lazy(() => import('./pages/team.tsx'));
const AgentPage = lazy(() => import('./pages/agent.tsx'));
const Feedback = lazy(() => import('./pages/feedback.tsx'));
const Data = lazy(() => import('./pages/data.tsx'));
const Settings = lazy(() => import('./pages/settings.tsx'));
const Surveys = lazy(() => import('./pages/surveys.tsx'));
const Targets = lazy(() => import('./pages/targets.tsx'));
const Alerts = lazy(() => import('./pages/alerts.tsx'));
const Reports = lazy(() => import('./pages/reports.tsx'));
const Analytics = lazy(() => import('./pages/analytics.tsx'));

export function App() {
  return (
    <SessionProvider>
      <Routes />
    </SessionProvider>
  );
}

function Routes() {
  const { me, checking, can } = useSession();
  const { path } = useLocation();
  const invitation = /^\/invite\/([^/]+)$/.exec(path);
  if (invitation) return <AcceptInvitation token={decodeURIComponent(invitation[1]!)} />;
  if (checking) return <Loading />;
  if (!me) return <Login />;

  const guard = (action: Action, page: ReactNode) => (can(action) ? page : <NotAllowed />);
  let page: ReactNode;
  let match: RegExpExecArray | null;
  if (path === '/' || path === '/overview') page = <Overview />;
  else if (path === '/explorer') page = <Explorer />;
  else if (path === '/teams') page = <Teams />;
  else if ((match = /^\/teams\/([^/]+)$/.exec(path))) page = <TeamPage id={decodeURIComponent(match[1]!)} />;
  else if ((match = /^\/agents\/([^/]+)$/.exec(path))) page = <AgentPage id={decodeURIComponent(match[1]!)} />;
  else if (path === '/feedback') page = guard('rows', <Feedback />);
  else if (path === '/surveys' || path.startsWith('/surveys/')) page = guard('surveys', <Surveys />);
  else if (path === '/targets') page = <Targets />;
  else if (path === '/alerts') page = guard('query', <Alerts />);
  else if (path === '/reports') page = guard('query', <Reports />);
  else if (path === '/analytics') page = guard('query', <Analytics />);
  else if (path === '/data') page = guard('import', <Data />);
  else if (path.startsWith('/settings')) page = <Settings />;
  else page = <NotFound />;

  return (
    <CatalogProvider>
      <Layout>
        <Suspense fallback={<Loading />}>{page}</Suspense>
      </Layout>
    </CatalogProvider>
  );
}
