import { Fragment, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EChartsCoreOption } from 'echarts/core';
import {
  groupLabel,
  useCatalog,
  useMetricName,
  type MetricInfo,
  type MetricRow,
  type QueryResult,
} from '../catalog.tsx';
import { useApi } from '../data.ts';
import { chartValue, durationScale, unitName } from '../format.ts';
import { addPeriods, periodEnd, type Period } from '../periods.ts';
import { Link } from '../router.tsx';
import { useFormat } from '../use-format.ts';
import { Chart } from './chart.tsx';
import { Definition } from './definition.tsx';
import { Empty, ErrorState, Loading } from './states.tsx';

/** KPIs compared between teams and agents: all of them are team data, so every role may see them. */
export const TEAM_METRICS = [
  'csat',
  'ces',
  'first_response_time',
  'resolution_time',
  'fcr_rate',
  'tickets_created',
  'backlog',
];

/**
 * One row per team or agent (and optionally a total row), one column per KPI, each value with its
 * change against the previous period. What a role sees is what the server answers: an agent gets
 * their own row by agent and their team's by team.
 */
export function ComparisonTable({
  by,
  period,
  where = {},
  total,
  testId,
  caption,
}: {
  by: 'team' | 'agent';
  period: Period;
  where?: Record<string, string[]>;
  total?: string;
  testId: string;
  caption: string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const metricName = useMetricName();
  const { byId, directory } = useCatalog();
  const metrics = TEAM_METRICS.filter((id) => byId.has(id));
  const request = {
    metrics,
    from: period.start,
    to: periodEnd(period),
    grain: period.grain,
    where,
    compare: 'previous',
  };
  const grouped = useApi<QueryResult>('/query', { body: { ...request, by: [by] } });
  const totals = useApi<QueryResult>(total ? '/query' : null, { body: request });
  const table = useMemo(() => {
    const rows = new Map<string, { label: string; cells: Map<string, MetricRow> }>();
    for (const row of grouped.data?.rows ?? []) {
      const id = row.group[by] ?? '';
      if (!rows.has(id)) rows.set(id, { label: groupLabel(row.group, by, '–'), cells: new Map() });
      rows.get(id)!.cells.set(row.metric, row);
    }
    return [...rows.entries()].sort((a, b) => a[1].label.localeCompare(b[1].label));
  }, [grouped.data, by]);

  if (grouped.loading) return <Loading />;
  if (grouped.error) return <ErrorState error={grouped.error} onRetry={grouped.reload} />;
  if (!table.length) return <Empty>{t('app.noDataPeriod')}</Empty>;
  const teamOf = (agentId: string) => {
    const teamId = directory.agents.find((a) => a.id === agentId)?.team_id;
    return directory.teams.find((team) => team.id === teamId)?.name ?? teamId ?? '';
  };
  const cell = (metric: MetricInfo, row: MetricRow | undefined) => {
    if (!row || row.value === null) return <td className="num muted">–</td>;
    const delta = row.delta ?? null;
    const better =
      delta === null || delta === 0 || metric.direction === 'neutral'
        ? ''
        : delta > 0 === (metric.direction === 'higher_is_better')
          ? 'better'
          : 'worse';
    return (
      <td className={row.low_sample ? 'num low-sample' : 'num'} title={t('kpi.sample', { n: format.count(row.n) })}>
        {format.value(row.value, metric.unit)}
        {row.low_sample && (
          <span className="badge warn" aria-label={t('kpi.lowSampleShort')}>
            ⚠
          </span>
        )}
        {delta !== null && (
          <small className={`delta ${better}`}>
            {format.delta(delta, metric.unit)}
            {row.significant ? ' ★' : ''}
          </small>
        )}
      </td>
    );
  };
  const totalCells = new Map((totals.data?.rows ?? []).map((r) => [r.metric, r]));
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="data comparison" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{by === 'team' ? t('teams.team') : t('teams.name')}</th>
            {by === 'agent' && <th scope="col">{t('teams.team')}</th>}
            {metrics.map((id) => (
              <th key={id} scope="col" className="num">
                {metricName(id)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.map(([id, row]) => (
            <tr key={id}>
              <th scope="row">{id ? <Link to={`/${by}s/${encodeURIComponent(id)}`}>{row.label}</Link> : row.label}</th>
              {by === 'agent' && <td>{teamOf(id)}</td>}
              {metrics.map((m) => (
                <Fragment key={m}>{cell(byId.get(m)!, row.cells.get(m))}</Fragment>
              ))}
            </tr>
          ))}
          {total && totals.data && (
            <tr className="total">
              <th scope="row">{total}</th>
              {by === 'agent' && <td />}
              {metrics.map((m) => (
                <Fragment key={m}>{cell(byId.get(m)!, totalCells.get(m))}</Fragment>
              ))}
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** One KPI over the last twelve periods, for a team or an agent. */
export function TrendChart({
  period,
  where,
  title,
}: {
  period: Period;
  where: Record<string, string[]>;
  title: string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const metricName = useMetricName();
  const { byId } = useCatalog();
  const [metricId, setMetricId] = useState('csat');
  const metric = byId.get(metricId);
  const from = addPeriods(period.start, period.grain, -11);
  const result = useApi<QueryResult>(metric ? '/query' : null, {
    body: { metrics: [metricId], from, to: periodEnd(period), grain: period.grain, where },
  });
  const option = useMemo((): EChartsCoreOption | undefined => {
    if (!result.data || !metric) return undefined;
    const rows = result.data.rows;
    const scale = durationScale(Math.max(0, ...rows.map((r) => Math.abs(r.value ?? 0))));
    const size = metric.unit === 'seconds' ? scale.size : 1;
    const low = rows.map((r) => chartValue(r.ci_low, metric.unit, size));
    const high = rows.map((r) => chartValue(r.ci_high, metric.unit, size));
    return {
      animation: false,
      color: ['#1f6fb2'],
      aria: { enabled: true },
      grid: { left: 16, right: 24, top: 36, bottom: 44, containLabel: true },
      tooltip: {
        trigger: 'axis',
        valueFormatter: undefined,
        formatter: (params: Array<{ dataIndex: number }>) => {
          const row = rows[params[0]?.dataIndex ?? 0];
          if (!row) return '';
          const interval =
            row.ci_low !== null && row.ci_high !== null
              ? `<br>${t('kpi.interval', { low: format.value(row.ci_low, metric.unit), high: format.value(row.ci_high, metric.unit) })}`
              : '';
          return `${format.period(row.period, period.grain)}<br>${format.value(row.value, metric.unit)} · ${t('kpi.sample', { n: format.count(row.n) })}${interval}`;
        },
      },
      xAxis: {
        type: 'category',
        data: rows.map((r) => (r.period ? format.periodShort(r.period, period.grain) : '')),
        name: t(`grain.${period.grain}`),
        nameLocation: 'middle',
        nameGap: 30,
      },
      yAxis: {
        type: 'value',
        scale: true,
        name:
          metric.unit === 'ratio'
            ? '%'
            : metric.unit === 'seconds'
              ? unitName(scale.unit, format.language)
              : metric.unit === 'nps'
                ? 'NPS'
                : metric.unit === 'count'
                  ? t('explorer.unitCount')
                  : t('explorer.unitScore'),
      },
      series: [
        {
          type: 'line',
          name: metricName(metricId),
          symbolSize: 7,
          data: rows.map((r) => chartValue(r.value, metric.unit, size)),
        },
        // The 95 % interval as a band: a transparent base plus the width stacked on it.
        {
          type: 'line',
          stack: 'ci',
          silent: true,
          symbol: 'none',
          lineStyle: { opacity: 0 },
          data: low,
        },
        {
          type: 'line',
          name: t('explorer.interval'),
          stack: 'ci',
          silent: true,
          symbol: 'none',
          lineStyle: { opacity: 0 },
          areaStyle: { color: 'rgba(31,111,178,0.15)' },
          data: high.map((h, i) => (h === null || low[i] === null ? null : Math.round((h - low[i]!) * 100) / 100)),
        },
      ],
    };
  }, [result.data, metric, format.language]);
  return (
    <section className="card">
      <header className="card-header">
        <h2>{title}</h2>
        {metric && <Definition metric={metric} />}
        <select value={metricId} onChange={(e) => setMetricId(e.target.value)} aria-label={t('explorer.metric')}>
          {TEAM_METRICS.filter((id) => byId.get(id)?.queryable).map((id) => (
            <option key={id} value={id}>
              {metricName(id)}
            </option>
          ))}
        </select>
      </header>
      {result.loading && <Loading />}
      {result.error && <ErrorState error={result.error} onRetry={result.reload} compact />}
      {result.data && !result.data.rows.some((r) => r.value !== null) && <Empty>{t('app.noDataPeriod')}</Empty>}
      {option && result.data?.rows.some((r) => r.value !== null) && (
        <Chart option={option} height={280} label={`${title}: ${metricName(metricId)}`} />
      )}
    </section>
  );
}
