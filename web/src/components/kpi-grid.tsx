import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { useApi } from '../data.ts';
import { useCatalog, useMetricName, type MetricInfo, type MetricRow, type QueryResult } from '../catalog.tsx';
import { localeOf } from '../format.ts';
import { addDays, addPeriods, localDate, periodEnd, type Grain, type Period } from '../periods.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useFormat } from '../use-format.ts';
import { AttainmentBadge } from './attainment.tsx';
import { Definition, useScale } from './definition.tsx';
import { Sparkline } from './sparkline.tsx';
import { ErrorState } from './states.tsx';
import type { Benchmark, BenchmarkList } from '../../../src/contract/api.ts';

const TREND_LENGTH = { week: 12, month: 12, quarter: 8, year: 5 } as const;

interface Slot<T> {
  data?: T;
  error?: ApiError;
}

/** Metrics the caller may query, as the server says (team leads and agents: team data only). */
export function useVisibleMetrics(ids: readonly string[]): { visible: MetricInfo[]; hidden: MetricInfo[] } {
  const { byId } = useCatalog();
  const known = ids.map((id) => byId.get(id)).filter((m): m is MetricInfo => Boolean(m));
  return { visible: known.filter((m) => m.queryable), hidden: known.filter((m) => !m.queryable) };
}

/** The days of a period that have passed ("1–9 Dec"): to the last data or today, whichever is first. */
export function usePartialRange() {
  const { directory } = useCatalog();
  const { me } = useSession();
  const format = useFormat();
  return (start: string, grain: Grain) => {
    const today = localDate(new Date().toISOString(), me?.organization.timezone);
    const last = directory.data.last ? localDate(directory.data.last, me?.organization.timezone) : today;
    const end = [last, today, addDays(addPeriods(start, grain, 1), -1)].sort()[0]!;
    return format.dayRange(start, end < start ? start : end);
  };
}

/**
 * KPI cards for a period: value, change against the previous period with its significance, the
 * 95 % interval, n and a low-sample warning, and a trend line. The headline numbers of all cards
 * are one request (rollups answer most of them), the trends a second one.
 */
export function KpiGrid({
  metrics,
  period,
  where = {},
  onReady,
  onHeadline,
  explorerWhere,
}: {
  metrics: MetricInfo[];
  period: Period;
  where?: Record<string, string[]>;
  onReady?: () => void;
  /** Each headline row as it arrives (the overview reads whether the period is partial). */
  onHeadline?: (row: MetricRow) => void;
  explorerWhere?: string;
}) {
  const [headline, setHeadline] = useState<Record<string, Slot<MetricRow>>>({});
  const [trend, setTrend] = useState<Record<string, Slot<MetricRow[]>>>({});
  const [attempt, setAttempt] = useState(0);
  const ids = metrics.map((m) => m.id).join(',');
  const whereKey = JSON.stringify(where);

  useEffect(() => {
    const controller = new AbortController();
    const signal = controller.signal;
    setHeadline({});
    setTrend({});
    const to = periodEnd(period);
    const ask = (ids: string[], from: string, compare: boolean) =>
      api<QueryResult>('/query', {
        body: { metrics: ids, from, to, grain: period.grain, where, ...(compare ? { compare: 'previous' } : {}) },
        signal,
      });
    const wrap = (error: unknown) => (error instanceof ApiError ? error : new ApiError(0, 'client', String(error)));
    // One request for every card, and one for every trend. Should the batch fail, each metric is
    // asked on its own, so that one metric's error shows on its card and not on all of them.
    type Answer = { rows?: MetricRow[]; error?: ApiError };
    const batch = async (from: string, compare: boolean): Promise<Answer[]> => {
      const ids = metrics.map((m) => m.id);
      try {
        const result = await ask(ids, from, compare);
        return ids.map((id) => ({ rows: result.rows.filter((r) => r.metric === id) }));
      } catch (error) {
        if (signal.aborted || ids.length === 1) return ids.map(() => ({ error: wrap(error) }));
        return Promise.all(
          ids.map((id) =>
            ask([id], from, compare).then(
              (result) => ({ rows: result.rows }),
              (e: unknown) => ({ error: wrap(e) }),
            ),
          ),
        );
      }
    };
    void (async () => {
      const heads = await batch(period.start, true);
      if (signal.aborted) return;
      const next: Record<string, Slot<MetricRow>> = {};
      metrics.forEach((m, i) => {
        const answer = heads[i]!;
        const row = answer.rows?.at(-1);
        next[m.id] = answer.error ? { error: answer.error } : { data: row };
        if (row) onHeadline?.(row);
      });
      setHeadline(next);
      onReady?.();
      const from = addPeriods(period.start, period.grain, -(TREND_LENGTH[period.grain] - 1));
      const trends = await batch(from, false);
      if (signal.aborted) return;
      const lines: Record<string, Slot<MetricRow[]>> = {};
      metrics.forEach((m, i) => {
        const answer = trends[i]!;
        if (next[m.id]!.error) return;
        lines[m.id] = answer.error ? { error: answer.error } : { data: answer.rows ?? [] };
      });
      setTrend(lines);
    })();
    return () => controller.abort();
    // ids and whereKey stand for metrics and where.
  }, [ids, period.grain, period.start, whereKey, attempt]);

  const ready = metrics.every((m) => headline[m.id]);
  // Industry reference values (src/analytics/benchmarks.ts), shown apart from targets.
  const benchmarks = useApi<BenchmarkList>('/benchmarks');
  return (
    <div className="kpi-grid" data-testid="kpi-grid" data-ready={ready}>
      {metrics.map((m) => (
        <KpiCard
          key={m.id}
          metric={m}
          period={period}
          slot={headline[m.id]}
          trend={trend[m.id]}
          onRetry={() => setAttempt((n) => n + 1)}
          explorerWhere={explorerWhere}
          ranges={benchmarks.data?.benchmarks.filter((b) => b.metric === m.id) ?? []}
        />
      ))}
    </div>
  );
}

/** src/analytics/benchmarks.ts Benchmark, the fields a card shows. */
function KpiCard({
  metric,
  period,
  slot,
  trend,
  onRetry,
  explorerWhere,
  ranges,
}: {
  ranges: Benchmark[];
  metric: MetricInfo;
  period: Period;
  slot: Slot<MetricRow> | undefined;
  trend: Slot<MetricRow[]> | undefined;
  onRetry: () => void;
  explorerWhere?: string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const metricName = useMetricName();
  const scale = useScale();
  const partialRange = usePartialRange();
  const { can } = useSession();
  const name = metricName(metric.id);
  const row = slot?.data;
  const state = !slot ? 'loading' : slot.error ? 'error' : row?.value === null || !row ? 'empty' : 'ready';
  const explorer = useMemo(() => {
    const params = new URLSearchParams({
      metric: metric.id,
      from: addPeriods(period.start, period.grain, -(TREND_LENGTH[period.grain] - 1)),
      to: periodEnd(period),
      grain: period.grain,
      compare: 'previous',
    });
    if (explorerWhere) params.set('where', explorerWhere);
    return `/explorer?${params}`;
  }, [metric.id, period, explorerWhere]);

  const delta = row?.delta ?? null;
  const direction =
    delta === null || delta === 0 || metric.direction === 'neutral'
      ? 'neutral'
      : delta > 0 === (metric.direction === 'higher_is_better')
        ? 'better'
        : 'worse';
  const trendValues = trend?.data?.map((r) => r.value) ?? [];
  // Surveys sent in waves (relationship NPS) leave months empty: say when there last was a value.
  const latest = trend?.data?.findLast((r) => r.value !== null);
  // Nothing in the whole trend: most likely the data was never imported; say what to do.
  const neverImported = state === 'empty' && trend?.data !== undefined && !latest;

  return (
    <article
      className={`kpi is-${state}`}
      data-testid={`kpi-${metric.id}`}
      data-state={state}
      aria-busy={state === 'loading'}
    >
      <header>
        <h3>
          <Link to={explorer} title={t('kpi.explore', { metric: name })}>
            {name}
          </Link>
        </h3>
        <Definition metric={metric} />
        {row?.low_sample && row.value !== null && (
          <span className="badge warn" title={t('kpi.lowSample', { n: format.count(row.n), min: metric.min_sample })}>
            ⚠ {t('kpi.lowSampleShort')}
          </span>
        )}
      </header>
      {state === 'loading' && <div className="kpi-value skeleton" aria-label={t('app.loading')} />}
      {state === 'error' && slot?.error && <ErrorState error={slot.error} onRetry={onRetry} compact />}
      {state === 'empty' && (
        <div className="kpi-empty" data-testid="kpi-empty">
          {neverImported ? (
            <>
              {!can('import')
                ? t('kpi.emptyAsk', { metric: name })
                : metric.sources.length === 1
                  ? t(`kpi.emptyImport.${metric.sources[0] as 'tickets'}`, { metric: name })
                  : t('kpi.emptyImportMany', {
                      metric: name,
                      entities: new Intl.ListFormat(localeOf(format.language), { type: 'conjunction' }).format(
                        metric.sources.map((source) =>
                          t(`data.entities.${source as 'costs'}.name`).toLocaleLowerCase(localeOf(format.language)),
                        ),
                      ),
                    })}
              {can('import') && (
                <div>
                  <Link to="/data">{t('kpi.goImport')}</Link>
                </div>
              )}
            </>
          ) : (
            t('app.noDataPeriod')
          )}
          {latest?.period && (
            <div className="muted">
              {t('kpi.latest', {
                value: format.value(latest.value, metric.unit),
                period: format.period(latest.period, period.grain),
              })}
            </div>
          )}
        </div>
      )}
      {state === 'ready' && row && (
        <>
          <div className="kpi-figure">
            <span className="kpi-value" data-testid="kpi-value">
              {format.value(row.value, metric.unit)}
            </span>
            {scale.short(metric) && (
              <span className="kpi-scale muted" data-testid="kpi-scale">
                {' '}
                {scale.short(metric)}
              </span>
            )}
          </div>
          {row.partial && (
            <p className="kpi-partial" data-testid="kpi-partial">
              <span className="badge">{t('kpi.partial', { range: partialRange(period.start, period.grain) })}</span>{' '}
              <span className="muted">
                {row.previous_partial
                  ? t('kpi.partialBoth')
                  : t('kpi.partialNote', {
                      previous: format.period(addPeriods(period.start, period.grain, -1), period.grain),
                    })}
              </span>
            </p>
          )}
          <div className={`kpi-delta ${direction}`}>
            {delta !== null && (
              <>
                <span aria-hidden="true">{delta > 0 ? '▲' : delta < 0 ? '▼' : '●'}</span>{' '}
                <span>{format.delta(delta, metric.unit)}</span>
                <span className="sr-only"> ({t(`kpi.${direction === 'neutral' ? 'unchanged' : direction}`)})</span>
                {row.significant === true && (
                  <span className="significance" title={t('kpi.significant')} aria-label={t('kpi.significant')}>
                    {' '}
                    ★
                  </span>
                )}
              </>
            )}
            <span className="muted"> {t('kpi.previous', { value: format.value(row.previous, metric.unit) })}</span>
          </div>
          <div className="kpi-meta muted">
            {row.ci_low !== null && row.ci_high !== null && (
              <span>
                {t('kpi.interval', {
                  low: format.value(row.ci_low, metric.unit),
                  high: format.value(row.ci_high, metric.unit),
                })}
              </span>
            )}
            <span>{t('kpi.sample', { n: format.count(row.n) })}</span>
          </div>
          {row.target !== undefined && row.target !== null && row.attainment && (
            <p className="kpi-target" data-testid="kpi-target">
              <span data-testid="kpi-target-value">
                {t('targets.targetIs', { value: format.value(row.target, metric.unit) })}
              </span>{' '}
              <AttainmentBadge
                attainment={row.attainment}
                significant={row.miss_significant}
                direction={metric.direction}
              />
            </p>
          )}
          {ranges.map((b) => (
            <p
              key={`${b.origin}|${b.segment}`}
              className="kpi-benchmark muted"
              data-testid="kpi-industry-range"
              title={b.source.title}
            >
              {t('kpi.industryRange', {
                range:
                  b.low !== null && b.high !== null
                    ? `${format.value(b.low, metric.unit)} – ${format.value(b.high, metric.unit)}`
                    : b.low !== null
                      ? `≥ ${format.value(b.low, metric.unit)}`
                      : `≤ ${format.value(b.high, metric.unit)}`,
                segment: b.segment || '–',
              })}
            </p>
          ))}
          {row.low_sample && (
            <p className="kpi-warning">⚠ {t('kpi.lowSample', { n: format.count(row.n), min: metric.min_sample })}</p>
          )}
        </>
      )}
      <div className="kpi-trend">
        {trend?.data && (
          <Sparkline
            values={trendValues}
            lows={trend.data.map((r) => r.ci_low)}
            highs={trend.data.map((r) => r.ci_high)}
            targets={trend.data.map((r) => r.target)}
            label={`${t('kpi.trend', { count: trendValues.length })}: ${trend.data
              .map(
                (r) =>
                  `${r.period ? format.periodShort(r.period, period.grain) : ''} ${format.value(r.value, metric.unit)}${
                    r.target !== undefined && r.target !== null
                      ? ` (${t('targets.targetIs', { value: format.value(r.target, metric.unit) })})`
                      : ''
                  }`,
              )
              .join(', ')}`}
          />
        )}
      </div>
    </article>
  );
}
