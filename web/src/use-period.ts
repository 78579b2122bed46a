import { useSession } from './session.tsx';
import { defaultPeriod, formatPeriodParam, parsePeriod, type Period } from './periods.ts';
import { navigate, useLocation } from './router.tsx';

/** The page's period in the address (?period=month:2026-04-01), or the one with the latest data. */
export function usePeriodParam(lastData: string | null): [Period, (period: Period) => void] {
  const { path, search } = useLocation();
  const { me } = useSession();
  const period = parsePeriod(search.get('period')) ?? defaultPeriod(lastData, 'month', me?.organization.timezone);
  const set = (next: Period) => {
    const params = new URLSearchParams(search);
    params.set('period', formatPeriodParam(next));
    navigate(`${path}?${params}`, { replace: true });
  };
  return [period, set];
}
