import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EChartsCoreOption } from 'echarts/core';
import {
  groupLabel,
  useCatalog,
  useDimensionLabel,
  useMetricName,
  useMetricText,
  useOptionLabels,
  type MetricInfo,
  type MetricRow,
  type QueryResult,
} from '../catalog.tsx';
import { Chart } from '../components/chart.tsx';
import { usePartialRange } from '../components/kpi-grid.tsx';
import { DateInput } from '../components/date-input.tsx';
import { Definition } from '../components/definition.tsx';
import { RowsPanel, type Drill } from '../components/rows-panel.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { useApi } from '../data.ts';
import { chartValue, durationScale, unitName } from '../format.ts';
import { addPeriods, clip, defaultPeriod, isDate, periodEnd, type Grain } from '../periods.ts';
import { navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useFormat } from '../use-format.ts';

type View = 'line' | 'bar' | 'table';
const GRAINS: Array<Grain | 'all'> = ['day', 'week', 'month', 'quarter', 'year', 'all'];
// The order of the metric groups; an entity not named here (a new one) still gets its group.
const ENTITY_ORDER = ['survey_responses', 'tickets', 'reviews', 'feedback', 'customers', 'orders', 'costs'];
const PALETTE = ['#1f6fb2', '#d9822b', '#2e9e6a', '#b53f5d', '#7a5cc4', '#8c8c2e', '#3aa3b8', '#a05a2c'];

interface ExplorerState {
  metric: string;
  from: string;
  to: string;
  grain: Grain | 'all';
  by: string;
  where: Record<string, string[]>;
  view: View;
  compare: '' | 'previous' | 'year';
  businessHours: boolean;
  options: Record<string, string>;
  /** Bars of shares start at zero unless the reader fits the axis to the data. */
  fitAxis: boolean;
}

/** The explorer's state lives in the address, so a view can be bookmarked and shared. */
function useExplorerState(): [ExplorerState, (change: Partial<ExplorerState>) => void] {
  const { search } = useLocation();
  const { directory } = useCatalog();
  const { me } = useSession();
  const fallback = defaultPeriod(directory.data.last, 'month', me?.organization.timezone);
  const to = isDate(search.get('to')) ? search.get('to')! : periodEnd(fallback);
  const from = isDate(search.get('from')) ? search.get('from')! : addPeriods(fallback.start, 'month', -11);
  const where: Record<string, string[]> = {};
  for (const filter of search.getAll('where')) {
    const at = filter.indexOf(':');
    if (at > 0)
      where[filter.slice(0, at)] = filter
        .slice(at + 1)
        .split(',')
        .filter(Boolean);
  }
  const options: Record<string, string> = {};
  for (const option of search.getAll('option')) {
    const at = option.indexOf(':');
    if (at > 0) options[option.slice(0, at)] = option.slice(at + 1);
  }
  const grain = search.get('grain') as ExplorerState['grain'];
  const view = search.get('view') as View;
  const compare = search.get('compare') as ExplorerState['compare'];
  const state: ExplorerState = {
    metric: search.get('metric') || 'csat',
    from,
    to,
    grain: GRAINS.includes(grain) ? grain : 'month',
    by: search.get('by') ?? '',
    where,
    view: ['line', 'bar', 'table'].includes(view) ? view : 'line',
    compare: compare === 'previous' || compare === 'year' ? compare : '',
    businessHours: search.get('business_hours') === 'true',
    options,
    fitAxis: search.get('axis') === 'fit',
  };
  const update = (change: Partial<ExplorerState>) => {
    const next = { ...state, ...change };
    const params = new URLSearchParams();
    params.set('metric', next.metric);
    params.set('from', next.from);
    params.set('to', next.to);
    params.set('grain', next.grain);
    if (next.by) params.set('by', next.by);
    for (const [dimension, values] of Object.entries(next.where))
      if (values.length) params.append('where', `${dimension}:${values.join(',')}`);
    params.set('view', next.view);
    if (next.compare) params.set('compare', next.compare);
    if (next.businessHours) params.set('business_hours', 'true');
    if (next.fitAxis) params.set('axis', 'fit');
    for (const [option, value] of Object.entries(next.options)) params.append('option', `${option}:${value}`);
    navigate(`/explorer?${params}`, { replace: true });
  };
  return [state, update];
}

export default function Explorer() {
  const { t } = useTranslation();
  const format = useFormat();
  const { can } = useSession();
  const { metrics, byId } = useCatalog();
  const metricName = useMetricName();
  const dimensionLabel = useDimensionLabel();
  const optionLabel = useOptionLabels();
  const metricText = useMetricText();
  const [state, update] = useExplorerState();
  const [drill, setDrill] = useState<Drill>();
  const [copied, setCopied] = useState(false);
  const metric = byId.get(state.metric);

  // The server says what this caller may query (team leads and agents: team data only).
  const choosable = metrics.filter((m) => m.queryable || m.id === state.metric);
  // And what it may group by (viewers: not by agent); templates such as attributes.<key> are not choices.
  const dimensions = (metric?.dimensions ?? []).filter((d) => !d.includes('<'));
  // Survey invitations (the response rate) sit with the survey answers.
  const groupOf = (m: MetricInfo) =>
    m.custom ? 'custom' : m.entity === 'survey_invitations' ? 'survey_responses' : m.entity;
  const groups = [...new Set([...ENTITY_ORDER, ...choosable.map(groupOf), 'custom'])];
  const by = dimensions.includes(state.by) ? state.by : '';
  const body = metric && {
    metrics: [metric.id],
    from: state.from,
    to: state.to,
    grain: state.grain,
    by: by ? [by] : [],
    where: state.where,
    ...(state.compare ? { compare: state.compare } : {}),
    ...(Object.keys(state.options).length ? { options: { [metric.id]: state.options } } : {}),
    business_hours: state.businessHours && metric.business_hours,
  };
  const result = useApi<QueryResult>(metric?.queryable && state.from < state.to ? '/query' : null, { body });

  const model = useMemo(
    () => (result.data && metric ? buildModel(result.data.rows, by, state.grain) : undefined),
    [result.data, metric, by, state.grain],
  );

  const openDrill = (periodIndex: number, groupIndex: number) => {
    if (!model || !metric) return;
    const period = model.periods[periodIndex];
    const group = model.groups[groupIndex];
    const range =
      period === null || period === undefined
        ? { from: state.from, to: state.to }
        : clip(period, addPeriods(period, state.grain as Grain, 1), { from: state.from, to: state.to });
    const where = { ...state.where };
    if (by && group && group.id !== null) where[by] = [group.id];
    setDrill({
      metric,
      ...range,
      where,
      businessHours: state.businessHours && metric.business_hours,
      options: state.options,
      label: [period ? format.period(period, state.grain) : t('grain.all'), group && by ? group.label : '']
        .filter(Boolean)
        .join(' · '),
    });
  };

  const option = useMemo(
    () =>
      model && metric
        ? chartOption(model, metric, state, format, t as unknown as ChartT, dimensionLabel(by))
        : undefined,
    // format and t change with the language
    [model, metric, state.view, state.compare, state.fitAxis, format.language, by],
  );

  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      window.prompt(t('app.copyLink'), window.location.href);
    }
  };

  return (
    <section className="page explorer" data-testid="explorer">
      <header className="page-header">
        <h1>{t('explorer.title')}</h1>
        <button type="button" className="secondary" onClick={() => void copyLink()}>
          {copied ? t('app.linkCopied') : t('app.copyLink')}
        </button>
      </header>
      <form className="controls card" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('explorer.metric')}
          <select
            value={state.metric}
            onChange={(e) => {
              setDrill(undefined);
              update({ metric: e.target.value, options: {}, by: '', where: {} });
            }}
            data-testid="metric-select"
          >
            {!metric && <option value={state.metric}>{state.metric}</option>}
            {groups.map((group) => {
              const items = choosable.filter((m) => groupOf(m) === group);
              if (!items.length) return null;
              const key = `explorer.entities.${group}`;
              const label = t(key as 'explorer.entities.custom');
              return (
                <optgroup key={group} label={label === key ? group : label}>
                  {items.map((m) => (
                    <option key={m.id} value={m.id}>
                      {metricName(m.id)}
                    </option>
                  ))}
                </optgroup>
              );
            })}
          </select>
        </label>
        <label>
          {t('period.from')}
          <DateInput value={state.from} onChange={(date) => date && update({ from: date })} testId="explorer-from" />
        </label>
        <label>
          {t('period.to')}
          <DateInput value={state.to} onChange={(date) => date && update({ to: date })} testId="explorer-to" />
        </label>
        <label>
          {t('explorer.grain')}
          <select
            value={state.grain}
            onChange={(e) => update({ grain: e.target.value as Grain })}
            data-testid="grain-select"
          >
            {GRAINS.map((g) => (
              <option key={g} value={g}>
                {t(`grain.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('explorer.groupBy')}
          <select value={by} onChange={(e) => update({ by: e.target.value })} data-testid="group-select">
            <option value="">{t('explorer.noGroup')}</option>
            {dimensions.map((d) => (
              <option key={d} value={d}>
                {dimensionLabel(d)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('explorer.compare')}
          <select
            value={state.compare}
            onChange={(e) => update({ compare: e.target.value as ExplorerState['compare'] })}
            data-testid="compare-select"
          >
            <option value="">{t('explorer.compareNone')}</option>
            <option value="previous">{t('explorer.comparePrevious')}</option>
            <option value="year">{t('explorer.compareYear')}</option>
          </select>
        </label>
        {metric?.business_hours && (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={state.businessHours}
              onChange={(e) => update({ businessHours: e.target.checked })}
              data-testid="business-hours"
            />
            {t('explorer.businessHours')}
          </label>
        )}
        {metric?.options
          .filter((o) => o.values)
          .map((o) => (
            <label key={o.id} title={metricText.option(o)}>
              {optionLabel.name(o.id)}
              <select
                value={state.options[o.id] ?? String(o.default)}
                onChange={(e) => update({ options: { ...state.options, [o.id]: e.target.value } })}
              >
                {o.values!.map((v) => (
                  <option key={v} value={v}>
                    {optionLabel.value(o.id, v)}
                  </option>
                ))}
              </select>
            </label>
          ))}
        {state.view === 'bar' && (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={!state.fitAxis}
              onChange={(e) => update({ fitAxis: !e.target.checked })}
              data-testid="axis-zero"
            />
            {t('explorer.axisFromZero')}
          </label>
        )}
        <div className="view-switch" role="radiogroup" aria-label={t('explorer.view')}>
          {(['line', 'bar', 'table'] as const).map((v) => (
            <button
              key={v}
              type="button"
              role="radio"
              aria-checked={state.view === v}
              className={state.view === v ? 'active' : ''}
              onClick={() => update({ view: v })}
              data-testid={`view-${v}`}
            >
              {t(`explorer.${v}`)}
            </button>
          ))}
        </div>
      </form>
      {metric && (
        <Filters
          metric={metric}
          state={state}
          dimensions={dimensions}
          onChange={(where) => {
            setDrill(undefined);
            update({ where });
          }}
        />
      )}
      {metric && (
        <p className="muted metric-description" data-testid="metric-description">
          <Definition metric={metric} /> {metricText.description(metric)}
        </p>
      )}
      <div className="card result" aria-busy={result.loading}>
        {metric && !metric.queryable && (
          <p className="note" role="alert" data-testid="not-queryable">
            {t('explorer.notQueryable', { metric: metricName(metric.id), reason: t('explorer.notTeamData') })}
          </p>
        )}
        {!metric && <Empty>{t('app.notFound')}</Empty>}
        {result.loading && <Loading />}
        {result.error && <ErrorState error={result.error} onRetry={result.reload} />}
        {model && metric && !model.hasData && <Empty>{t('app.noDataPeriod')}</Empty>}
        {model && metric && model.hasData && (
          <>
            <p className="muted hint">{t('explorer.clickHint')}</p>
            {state.view === 'table' ? (
              <ResultTable
                model={model}
                metric={metric}
                grain={state.grain}
                compare={Boolean(state.compare)}
                by={by}
                onSelect={openDrill}
              />
            ) : (
              option && (
                <Chart
                  option={option}
                  label={`${metricName(metric.id)} · ${t(`grain.${state.grain}`)}`}
                  onSelect={({ seriesIndex, dataIndex }) =>
                    model.categoriesAreGroups
                      ? openDrill(0, dataIndex)
                      : openDrill(dataIndex, Math.min(seriesIndex, Math.max(0, model.groups.length - 1)))
                  }
                />
              )
            )}
          </>
        )}
      </div>
      {drill && can('rows') && (
        <RowsPanel key={JSON.stringify(drill)} drill={drill} onClose={() => setDrill(undefined)} />
      )}
      {drill && !can('rows') && <p className="note">{t('rows.noRowsForRole')}</p>}
    </section>
  );
}

interface Model {
  periods: Array<string | null>;
  groups: Array<{ id: string | null; label: string; key: string }>;
  /** period index -> group index -> row */
  cells: Array<Array<MetricRow | undefined>>;
  categoriesAreGroups: boolean;
  hasData: boolean;
}

function buildModel(rows: MetricRow[], by: string, grain: Grain | 'all'): Model {
  const periods: Array<string | null> = [];
  const groups: Model['groups'] = [];
  const periodIndex = new Map<string | null, number>();
  const groupIndex = new Map<string, number>();
  for (const row of rows) {
    if (!periodIndex.has(row.period)) periodIndex.set(row.period, periods.push(row.period) - 1);
    const key = by ? JSON.stringify(row.group[by] ?? null) : '';
    if (!groupIndex.has(key))
      groupIndex.set(
        key,
        groups.push({ id: by ? (row.group[by] ?? null) : null, label: by ? groupLabel(row.group, by, '–') : '', key }) -
          1,
      );
  }
  const cells = periods.map(() => groups.map(() => undefined as MetricRow | undefined));
  for (const row of rows) {
    const key = by ? JSON.stringify(row.group[by] ?? null) : '';
    cells[periodIndex.get(row.period)!]![groupIndex.get(key)!] = row;
  }
  return {
    periods,
    groups,
    cells,
    categoriesAreGroups: grain === 'all' && Boolean(by),
    hasData: rows.some((r) => r.value !== null),
  };
}

/**
 * The translations the chart uses. A narrow type: the whole message catalog as the parameter's
 * type makes TypeScript's key checking too deep.
 */
type ChartT = (
  key:
    | 'explorer.interval'
    | 'explorer.lowSample'
    | 'explorer.period'
    | 'explorer.seriesTotal'
    | 'explorer.unitCount'
    | 'explorer.unitNumber'
    | 'explorer.unitScore'
    | 'explorer.value'
    | 'explorer.withPrevious'
    | 'grain.all'
    | 'kpi.interval'
    | 'kpi.previous'
    | 'kpi.sample'
    | 'targets.target'
    | 'targets.targetIs'
    | 'targets.met'
    | 'targets.missedSignificant'
    | 'targets.notEnough'
    | `grain.${'day' | 'week' | 'month' | 'quarter' | 'year'}`,
  options?: Record<string, unknown>,
) => string;

function chartOption(
  model: Model,
  metric: MetricInfo,
  state: ExplorerState,
  format: ReturnType<typeof useFormat>,
  t: ChartT,
  byLabel: string,
): EChartsCoreOption {
  const all = model.cells
    .flat()
    .flatMap((r) => (r ? [r.value ?? 0, r.ci_high ?? 0, r.previous ?? 0, r.target ?? 0] : []));
  const scale = durationScale(Math.max(0, ...all.filter((v) => v !== null).map(Math.abs)));
  const size = metric.unit === 'seconds' ? scale.size : 1;
  const axisName =
    metric.unit === 'ratio'
      ? '%'
      : metric.unit === 'seconds'
        ? unitName(scale.unit, format.language)
        : metric.unit === 'money'
          ? format.currency
          : metric.unit === 'nps'
            ? 'NPS'
            : metric.unit === 'score'
              ? t('explorer.unitScore')
              : metric.unit === 'count'
                ? t('explorer.unitCount')
                : t('explorer.unitNumber');
  const point = (row: MetricRow | undefined) =>
    row
      ? {
          value: chartValue(row.value, metric.unit, size),
          itemStyle: row.low_sample ? { opacity: 0.45 } : undefined,
          symbol: row.low_sample ? 'emptyCircle' : 'circle',
        }
      : { value: null };
  const type = state.view === 'bar' ? 'bar' : 'line';
  const categories = model.categoriesAreGroups
    ? model.groups.map((g) => g.label)
    : model.periods.map((p) => (p === null ? t('grain.all') : format.periodShort(p, state.grain)));
  const series: Array<Record<string, unknown>> = model.categoriesAreGroups
    ? [{ name: format.period(null, 'all'), type: 'bar', data: model.groups.map((_, g) => point(model.cells[0]![g])) }]
    : model.groups.map((group, g) => ({
        name: group.label || t('explorer.seriesTotal'),
        type,
        data: model.periods.map((_, p) => point(model.cells[p]![g])),
        connectNulls: false,
        symbolSize: 8,
        emphasis: { focus: 'series' },
      }));
  const single = series.length === 1 && !model.categoriesAreGroups;
  if (single && state.compare) {
    series.push({
      name: t('explorer.withPrevious'),
      type: 'line',
      silent: true,
      lineStyle: { type: 'dashed', width: 1.5 },
      symbol: 'none',
      color: '#888',
      data: model.periods.map((_, p) => chartValue(model.cells[p]![0]?.previous ?? null, metric.unit, size)),
    });
  }
  if (single && type === 'line' && model.cells.some((c) => c[0]?.ci_low !== null && c[0]?.ci_low !== undefined)) {
    // The 95 % interval as a band: a transparent base plus the width stacked on it.
    const low = model.periods.map((_, p) => chartValue(model.cells[p]![0]?.ci_low ?? null, metric.unit, size));
    const high = model.periods.map((_, p) => chartValue(model.cells[p]![0]?.ci_high ?? null, metric.unit, size));
    series.push(
      {
        name: 'ci-base',
        type: 'line',
        stack: 'ci',
        silent: true,
        symbol: 'none',
        lineStyle: { opacity: 0 },
        data: low,
        tooltip: { show: false },
      },
      {
        name: t('explorer.interval'),
        type: 'line',
        stack: 'ci',
        silent: true,
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { color: 'rgba(31,111,178,0.15)' },
        data: high.map((h, i) => (h === null || low[i] === null ? null : Math.round((h - low[i]!) * 100) / 100)),
        tooltip: { show: false },
      },
    );
  }
  if (single && type === 'line' && model.cells.some((c) => c[0]?.target !== undefined && c[0]?.target !== null)) {
    // The target in force per period, as a step line (a target changed mid-year is a step).
    series.push({
      name: t('targets.target'),
      type: 'line',
      step: 'middle',
      silent: true,
      symbol: 'none',
      color: '#b3261e',
      lineStyle: { type: 'dashed', width: 1.5 },
      data: model.periods.map((_, p) => chartValue(model.cells[p]![0]?.target ?? null, metric.unit, size)),
      tooltip: { show: false },
    });
  }
  const rowAt = (seriesIndex: number, dataIndex: number) =>
    model.categoriesAreGroups ? model.cells[0]![dataIndex] : model.cells[dataIndex]?.[seriesIndex];
  return {
    color: PALETTE,
    animation: false,
    aria: { enabled: true },
    grid: { left: 16, right: 24, top: 40, bottom: 48, containLabel: true },
    legend:
      series.length > 1
        ? { top: 0, type: 'scroll', data: series.filter((s) => s.name !== 'ci-base').map((s) => s.name) }
        : undefined,
    tooltip: {
      trigger: 'item',
      formatter: (params: { seriesIndex: number; dataIndex: number; seriesName: string; name: string }) => {
        const row = rowAt(params.seriesIndex, params.dataIndex);
        if (!row) return '';
        const lines = [
          `<b>${escapeHtml(params.name)}</b>${byLabel && !model.categoriesAreGroups && params.seriesName ? ` · ${escapeHtml(params.seriesName)}` : ''}`,
          `${escapeHtml(format.value(row.value, metric.unit))}`,
        ];
        if (row.ci_low !== null && row.ci_high !== null)
          lines.push(
            escapeHtml(
              t('kpi.interval', {
                low: format.value(row.ci_low, metric.unit),
                high: format.value(row.ci_high, metric.unit),
              }),
            ),
          );
        lines.push(escapeHtml(t('kpi.sample', { n: format.count(row.n) })));
        if (row.previous !== undefined)
          lines.push(
            escapeHtml(
              `${t('kpi.previous', { value: format.value(row.previous, metric.unit) })} (${format.delta(row.delta, metric.unit)})${row.significant ? ' ★' : ''}`,
            ),
          );
        if (row.target !== undefined && row.target !== null && row.attainment)
          lines.push(
            escapeHtml(
              `${t('targets.targetIs', { value: format.value(row.target, metric.unit) })}: ${t(
                row.attainment === 'missed' && row.miss_significant
                  ? 'targets.missedSignificant'
                  : `targets.${row.attainment === 'not_enough_data' ? 'notEnough' : (row.attainment as 'met')}`,
              )}`,
            ),
          );
        if (row.low_sample) lines.push(`⚠ ${escapeHtml(t('explorer.lowSample'))}`);
        return lines.join('<br>');
      },
    },
    xAxis: {
      type: 'category',
      data: categories,
      name: model.categoriesAreGroups ? byLabel : t(`grain.${state.grain}`),
      nameLocation: 'middle',
      nameGap: 30,
      axisLabel: { hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      name: axisName,
      nameTextStyle: { align: 'left' },
      // Bars of shares and counts start at zero (a bar's length is its value) unless the reader
      // fits the axis to the data; lines zoom to the data, their band shows the uncertainty.
      scale: type === 'bar' ? state.fitAxis : metric.unit !== 'count' && metric.unit !== 'money',
      ...(metric.scale && type === 'bar' && !state.fitAxis && metric.unit !== 'nps'
        ? { min: chartValue(metric.scale.min, metric.unit), max: chartValue(metric.scale.max, metric.unit) }
        : {}),
      axisLabel: {
        formatter: (v: number) => new Intl.NumberFormat(format.language === 'en' ? 'en-GB' : format.language).format(v),
      },
    },
    series,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function ResultTable({
  model,
  metric,
  grain,
  compare,
  by,
  onSelect,
}: {
  model: Model;
  metric: MetricInfo;
  grain: Grain | 'all';
  compare: boolean;
  by: string;
  onSelect: (period: number, group: number) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const dimensionLabel = useDimensionLabel();
  const partialRange = usePartialRange();
  return (
    <div className="table-scroll">
      <table className="data" data-testid="result-table">
        <thead>
          <tr>
            <th scope="col">{t('explorer.period')}</th>
            {by && <th scope="col">{dimensionLabel(by)}</th>}
            <th scope="col" className="num">
              {t('explorer.value')}
            </th>
            <th scope="col" className="num">
              {t('explorer.interval')}
            </th>
            <th scope="col" className="num">
              {t('explorer.n')}
            </th>
            {compare && (
              <>
                <th scope="col" className="num">
                  {t('explorer.previousValue')}
                </th>
                <th scope="col" className="num">
                  {t('explorer.change')}
                </th>
                <th scope="col">{t('explorer.significant')}</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {model.periods.flatMap((period, p) =>
            model.groups.map((group, g) => {
              const row = model.cells[p]![g];
              if (!row) return null;
              return (
                <tr key={`${p}-${g}`}>
                  <td>
                    <button type="button" className="link" onClick={() => onSelect(p, g)}>
                      {period ? format.period(period, grain) : t('grain.all')}
                    </button>
                    {row.partial && period && grain !== 'all' && (
                      <span className="badge" data-testid="row-partial">
                        {' '}
                        {t('kpi.partial', { range: partialRange(period, grain) })}
                      </span>
                    )}
                  </td>
                  {by && <td>{group.label}</td>}
                  <td className="num">
                    {format.value(row.value, metric.unit)}
                    {row.low_sample && row.value !== null && (
                      <span className="badge warn" title={t('kpi.lowSample', { n: row.n, min: metric.min_sample })}>
                        ⚠
                      </span>
                    )}
                  </td>
                  <td className="num">
                    {row.ci_low !== null && row.ci_high !== null
                      ? `${format.value(row.ci_low, metric.unit)} – ${format.value(row.ci_high, metric.unit)}`
                      : ''}
                  </td>
                  <td className="num">{format.count(row.n)}</td>
                  {compare && (
                    <>
                      <td className="num">{format.value(row.previous, metric.unit)}</td>
                      <td className="num">{format.delta(row.delta, metric.unit)}</td>
                      <td>
                        {row.significant === true ? `★ ${t('app.yes')}` : row.significant === false ? t('app.no') : ''}
                      </td>
                    </>
                  )}
                </tr>
              );
            }),
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Filters as chips; a new one lists the values the metric has for the dimension in the range. */
function Filters({
  metric,
  state,
  dimensions,
  onChange,
}: {
  metric: MetricInfo;
  state: ExplorerState;
  dimensions: string[];
  onChange: (where: Record<string, string[]>) => void;
}) {
  const { t } = useTranslation();
  const dimensionLabel = useDimensionLabel();
  const [editing, setEditing] = useState<string>();
  const [chosen, setChosen] = useState<string[]>([]);
  const values = useApi<QueryResult>(editing ? '/query' : null, {
    body: { metrics: [metric.id], from: state.from, to: state.to, grain: 'all', by: [editing] },
  });
  const names = new Map<string, string>();
  for (const row of values.data?.rows ?? []) {
    const id = editing ? row.group[editing] : null;
    if (id !== null && id !== undefined) names.set(id, groupLabel(row.group, editing!, id));
  }
  return (
    <div className="filters" aria-label={t('explorer.filters')}>
      <span className="muted">{t('explorer.filters')}:</span>
      {Object.entries(state.where).map(([dimension, list]) => (
        <span className="chip" key={dimension}>
          {dimensionLabel(dimension)}: {list.join(', ')}
          <button
            type="button"
            aria-label={t('explorer.removeFilter', { name: dimensionLabel(dimension) })}
            onClick={() => {
              const next = { ...state.where };
              delete next[dimension];
              onChange(next);
            }}
          >
            ×
          </button>
        </span>
      ))}
      <select
        aria-label={t('explorer.addFilter')}
        value=""
        onChange={(e) => {
          setEditing(e.target.value || undefined);
          setChosen(state.where[e.target.value] ?? []);
        }}
        data-testid="add-filter"
      >
        <option value="">{t('explorer.addFilter')}…</option>
        {dimensions.map((d) => (
          <option key={d} value={d}>
            {dimensionLabel(d)}
          </option>
        ))}
      </select>
      {editing && (
        <fieldset className="filter-editor card">
          <legend>
            {dimensionLabel(editing)} — {t('explorer.groupHint')}
          </legend>
          {values.loading && <Loading inline />}
          {values.error && <ErrorState error={values.error} onRetry={values.reload} compact />}
          {values.data && !names.size && <p className="muted">{t('explorer.noValues')}</p>}
          <div className="checks">
            {[...names].map(([id, name]) => (
              <label key={id} className="checkbox">
                <input
                  type="checkbox"
                  checked={chosen.includes(id)}
                  onChange={(e) => setChosen((c) => (e.target.checked ? [...c, id] : c.filter((v) => v !== id)))}
                />
                {name}
              </label>
            ))}
          </div>
          <div className="actions">
            <button
              type="button"
              onClick={() => {
                const next = { ...state.where };
                if (chosen.length) next[editing] = chosen;
                else delete next[editing];
                onChange(next);
                setEditing(undefined);
              }}
            >
              {t('app.apply')}
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(undefined)}>
              {t('app.cancel')}
            </button>
          </div>
        </fieldset>
      )}
    </div>
  );
}
