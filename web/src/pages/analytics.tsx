import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { useCatalog, useMetricName } from '../catalog.tsx';
import { Empty, ErrorState, Loading } from '../components/states.tsx';
import { useApi } from '../data.ts';
import { navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useFormat } from '../use-format.ts';
// The answers of /api/v1/experiments, /cohorts and /benchmarks, declared once by the server.
import type {
  Benchmark,
  BenchmarkList,
  CohortGroup,
  CohortResult,
  ExperimentAnalysis,
  ExperimentList,
} from '../../../src/contract/api.ts';

type Tab = 'experiments' | 'cohorts' | 'benchmarks';

/** Customer analytics: experiments on service changes and retention cohorts. */
export default function AnalyticsPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const tabs: Tab[] = ['experiments', 'cohorts', 'benchmarks'];
  const tab = tabs.find((x) => x === search.get('tab')) ?? 'experiments';
  return (
    <section className="page" data-testid="analytics">
      <header className="page-header">
        <div>
          <h1>{t('analytics.title')}</h1>
          <p className="muted">{t('analytics.intro')}</p>
        </div>
      </header>
      <div className="tabs" role="tablist">
        {tabs.map((x) => (
          <button
            key={x}
            type="button"
            role="tab"
            aria-selected={tab === x}
            className={tab === x ? 'active' : ''}
            onClick={() => navigate(`/analytics?tab=${x}`, { replace: true })}
          >
            {t(`analytics.tabs.${x}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'experiments' && <Experiments />}
        {tab === 'cohorts' && <Cohorts />}
        {tab === 'benchmarks' && <Benchmarks />}
      </div>
    </section>
  );
}

function Experiments() {
  const { t } = useTranslation();
  const { can } = useSession();
  const list = useApi<ExperimentList>('/experiments');
  const [open, setOpen] = useState<string>();
  return (
    <>
      {can('experiments') ? (
        <CreateExperiment onCreated={list.reload} />
      ) : (
        <p className="note">{t('analytics.readOnly')}</p>
      )}
      {list.error && <ErrorState error={list.error} onRetry={list.reload} compact />}
      {list.loading && <Loading inline />}
      {list.data && !list.data.experiments.length && <Empty>{t('analytics.none')}</Empty>}
      {list.data?.experiments.map((e) => (
        <article key={e.id} className="card" data-testid="experiment">
          <h2>{e.name}</h2>
          {e.hypothesis && <p>{e.hypothesis}</p>}
          <p className="muted">
            {e.design === 'before_after'
              ? t('analytics.beforeAfter', { split: e.split })
              : t('analytics.arms', {
                  dimension: e.variant_dimension,
                  control: e.control,
                  treatment: e.treatment,
                })}{' '}
            · {e.from} – {e.to}
          </p>
          <button type="button" onClick={() => setOpen(open === e.id ? undefined : e.id)} aria-expanded={open === e.id}>
            {t('analytics.analyze')}
          </button>
          {open === e.id && <Results name={e.name} />}
        </article>
      ))}
    </>
  );
}

function Results({ name }: { name: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const metricName = useMetricName();
  const analysis = useApi<ExperimentAnalysis>(`/experiments/${encodeURIComponent(name)}/analysis`);
  if (analysis.error) return <ErrorState error={analysis.error} onRetry={analysis.reload} compact />;
  if (!analysis.data) return <Loading inline />;
  const a = analysis.data;
  const p = (v: number) => (v < 0.001 ? '< 0.001' : `= ${v.toFixed(3)}`);
  const arm = a.design === 'before_after' ? t('analytics.after') : t('analytics.treatment');
  return (
    <div data-testid="experiment-results">
      {a.warnings.map((w) => (
        <p
          key={w}
          className={w.startsWith('SAMPLE RATIO') ? 'error-text' : 'note'}
          role={w.startsWith('SAMPLE RATIO') ? 'alert' : undefined}
        >
          {w}
        </p>
      ))}
      <ul className="plain-results">
        {a.metrics.map((m) => (
          <li key={m.metric} data-testid="experiment-sentence">
            <strong>
              {t('analytics.sentence', {
                arm,
                metric: metricName(m.metric),
                treatment: format.value(m.treatment.value, m.unit),
                control: format.value(m.control.value, m.unit),
              })}
            </strong>
            {m.difference !== null && <>, {format.delta(m.difference, m.unit)}</>}
            {m.ci_low !== null && m.ci_high !== null && (
              <>
                {' '}
                [{format.delta(m.ci_low, m.unit)}, {format.delta(m.ci_high, m.unit)}]
              </>
            )}
            {m.p_value !== null && <>, p {p(m.p_value)}</>}
            {m.p_adjusted !== null && m.p_adjusted !== m.p_value && (
              <> ({t('analytics.holm', { p: p(m.p_adjusted) })})</>
            )}
            <br />
            <span className="muted">
              {t(`analytics.verdict.${m.verdict}`)} · n {format.count(m.control.n)} / {format.count(m.treatment.n)}
              {m.test && <> · {t(`analytics.test.${m.test}`)}</>}
              {m.note && <> · {m.note}</>}
            </span>
          </li>
        ))}
      </ul>
      {a.sample_ratio && (
        <p className="muted">
          {t('analytics.sampleRatio', {
            control: a.sample_ratio.observed[0],
            treatment: a.sample_ratio.observed[1],
            p: p(a.sample_ratio.pValue),
          })}
        </p>
      )}
      {a.planned_n_per_arm !== null && <p className="muted">{t('analytics.planned', { n: a.planned_n_per_arm })}</p>}
    </div>
  );
}

function CreateExperiment({ onCreated }: { onCreated: () => void }) {
  const { t } = useTranslation();
  const { metrics } = useCatalog();
  const metricName = useMetricName();
  const [form, setForm] = useState({
    name: '',
    hypothesis: '',
    metrics: '',
    variant_dimension: 'team',
    control: '',
    treatment: '',
    split: '',
    from: '',
    to: '',
    mde: '',
  });
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(undefined);
    const dated = form.variant_dimension === 'date';
    try {
      await api('/experiments', {
        body: {
          name: form.name,
          hypothesis: form.hypothesis,
          metrics: form.metrics
            .split(',')
            .map((m) => m.trim())
            .filter(Boolean),
          variant_dimension: form.variant_dimension,
          control: dated ? undefined : form.control,
          treatment: dated ? undefined : form.treatment,
          split: dated ? form.split : undefined,
          from: form.from,
          to: form.to,
          min_detectable_effect: form.mde ? Number(form.mde) : undefined,
        },
      });
      setOutcome({ ok: true, text: t('analytics.created') });
      onCreated();
    } catch (error) {
      setOutcome({ ok: false, text: error instanceof ApiError ? error.message : String(error) });
    }
  };
  return (
    <details className="card">
      <summary>{t('analytics.create')}</summary>
      <form onSubmit={submit} className="form-grid" data-testid="experiment-form">
        <label>
          {t('analytics.name')}
          <input value={form.name} onChange={set('name')} required />
        </label>
        <label>
          {t('analytics.hypothesis')}
          <input value={form.hypothesis} onChange={set('hypothesis')} />
        </label>
        <label>
          {t('analytics.metrics')}
          <input
            value={form.metrics}
            onChange={set('metrics')}
            list="experiment-metrics"
            placeholder="csat,first_response_time"
            required
          />
          <datalist id="experiment-metrics">
            {metrics.map((m) => (
              <option key={m.id} value={m.id}>
                {metricName(m.id)}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          {t('analytics.dimension')}
          <input
            value={form.variant_dimension}
            onChange={set('variant_dimension')}
            placeholder="team, channel, customer.segment, date"
            required
          />
        </label>
        {form.variant_dimension === 'date' ? (
          <label>
            {t('analytics.split')}
            <input type="date" value={form.split} onChange={set('split')} required />
          </label>
        ) : (
          <>
            <label>
              {t('analytics.control')}
              <input value={form.control} onChange={set('control')} required />
            </label>
            <label>
              {t('analytics.treatmentValue')}
              <input value={form.treatment} onChange={set('treatment')} required />
            </label>
          </>
        )}
        <label>
          {t('analytics.from')}
          <input type="date" value={form.from} onChange={set('from')} required />
        </label>
        <label>
          {t('analytics.to')}
          <input type="date" value={form.to} onChange={set('to')} required />
        </label>
        <label>
          {t('analytics.mde')}
          <input value={form.mde} onChange={set('mde')} inputMode="decimal" />
        </label>
        <button type="submit">{t('analytics.createButton')}</button>
        {outcome && (
          <p className={outcome.ok ? 'ok-text' : 'error-text'} role={outcome.ok ? 'status' : 'alert'}>
            {outcome.text}
          </p>
        )}
      </form>
    </details>
  );
}

function Cohorts() {
  const { t } = useTranslation();
  const format = useFormat();
  const year = new Date().getUTCFullYear();
  const [query, setQuery] = useState({
    metric: 'customer_retention',
    from: `${year - 1}-01-01`,
    to: `${year}-01-01`,
    by: '',
  });
  const [applied, setApplied] = useState(query);
  const result = useApi<CohortResult>('/cohorts', { query: applied });
  const set = (key: keyof typeof query) => (e: { target: { value: string } }) =>
    setQuery({ ...query, [key]: e.target.value });
  const width = Math.max(0, ...(result.data?.cohorts.map((c) => c.cells.length) ?? []));
  return (
    <>
      <form
        className="form-inline"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(query);
        }}
      >
        <label>
          {t('analytics.cohortMetric')}
          <select value={query.metric} onChange={set('metric')}>
            <option value="customer_retention">{t('analytics.customerRetention')}</option>
            <option value="revenue_retention">{t('analytics.revenueRetention')}</option>
          </select>
        </label>
        <label>
          {t('analytics.from')}
          <input type="date" value={query.from} onChange={set('from')} />
        </label>
        <label>
          {t('analytics.to')}
          <input type="date" value={query.to} onChange={set('to')} />
        </label>
        <label>
          {t('analytics.by')}
          <select value={query.by} onChange={set('by')}>
            <option value="">–</option>
            {(['channel', 'plan', 'segment', 'first_ticket_csat_group'] as const).map((b) => (
              <option key={b} value={b}>
                {t(`analytics.groups.${b}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('app.apply')}</button>
      </form>
      {result.error && <ErrorState error={result.error} onRetry={result.reload} compact />}
      {result.loading && <Loading inline />}
      {result.data && !result.data.cohorts.length && <Empty>{t('analytics.noCohorts')}</Empty>}
      {result.data && result.data.cohorts.length > 0 && (
        <div className="table-scroll">
          <p className="muted">
            {t(result.data.meta.basis === 'orders' ? 'analytics.basisOrders' : 'analytics.basisSubscriptions')}
          </p>
          <table className="data heatmap" data-testid="cohort-heatmap">
            <thead>
              <tr>
                <th scope="col">{t('analytics.cohort')}</th>
                {result.data.meta.by && <th scope="col">{t(`analytics.groups.${result.data.meta.by}`)}</th>}
                <th scope="col">n</th>
                {Array.from({ length: width }, (_, k) => (
                  <th key={k} scope="col">
                    {t('analytics.monthsSince', { k })}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {result.data.cohorts.map((c) => (
                <tr key={`${c.cohort}|${c.group ?? ''}`}>
                  <th scope="row">{c.cohort}</th>
                  {result.data!.meta.by && <td>{c.group ?? '–'}</td>}
                  <td>{format.count(c.size)}</td>
                  {c.cells.map((cell) => {
                    const v = cell.value;
                    const shade = v === null ? 0 : Math.max(0, Math.min(1, v));
                    return (
                      <td
                        key={cell.months_since}
                        title={t('analytics.cell', { retained: cell.retained, n: cell.n })}
                        style={{
                          background: v === null ? undefined : `rgba(31, 111, 178, ${0.08 + shade * 0.72})`,
                          color: shade > 0.55 ? '#fff' : undefined,
                        }}
                      >
                        {format.value(v, 'ratio')}
                        {cell.partial && '*'}
                        <br />
                        <small>n {format.count(cell.retained)}</small>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">{t('analytics.partial')}</p>
        </div>
      )}
    </>
  );
}

/** The industry ranges with their sources, and the organization's own (added by managers). */
function Benchmarks() {
  const { t } = useTranslation();
  const { can } = useSession();
  const { byId } = useCatalog();
  const format = useFormat();
  const metricName = useMetricName();
  const list = useApi<BenchmarkList>('/benchmarks');
  const [form, setForm] = useState({ metric: 'csat', low: '', high: '', segment: '', source: '' });
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>();
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [key]: e.target.value });
  const unit = (metric: string) => byId.get(metric)?.unit ?? 'number';
  const range = (b: Benchmark) =>
    b.low !== null && b.high !== null
      ? `${format.value(b.low, unit(b.metric))} – ${format.value(b.high, unit(b.metric))}`
      : b.low !== null
        ? `≥ ${format.value(b.low, unit(b.metric))}`
        : `≤ ${format.value(b.high, unit(b.metric))}`;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome(undefined);
    try {
      await api('/benchmarks', {
        body: {
          metric: form.metric,
          segment: form.segment,
          low: form.low === '' ? null : Number(form.low),
          high: form.high === '' ? null : Number(form.high),
          source: form.source,
        },
      });
      setOutcome({ ok: true, text: t('analytics.benchmarkAdded') });
      list.reload();
    } catch (error) {
      setOutcome({ ok: false, text: error instanceof ApiError ? error.message : String(error) });
    }
  };
  return (
    <>
      <p className="muted">{t('analytics.benchmarksIntro', { version: list.data?.version ?? '' })}</p>
      {list.error && <ErrorState error={list.error} onRetry={list.reload} compact />}
      {list.loading && <Loading inline />}
      {list.data && (
        <div className="table-scroll">
          <table className="data" data-testid="benchmarks-table">
            <thead>
              <tr>
                <th scope="col">{t('analytics.metric')}</th>
                <th scope="col">{t('analytics.segment')}</th>
                <th scope="col">{t('analytics.range')}</th>
                <th scope="col">{t('analytics.source')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.benchmarks.map((b) => (
                <tr key={b.id}>
                  <td>{metricName(b.metric)}</td>
                  <td>{b.segment || '–'}</td>
                  <td>
                    {range(b)}
                    {b.origin === 'industry' && <div className="muted">{b.label}</div>}
                  </td>
                  <td>
                    {b.source.url ? (
                      <a href={b.source.url} rel="noreferrer noopener" target="_blank">
                        {b.source.title}
                      </a>
                    ) : (
                      b.source.title
                    )}
                    {b.origin === 'organization' && <div className="muted">{t('analytics.own')}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {can('experiments') && (
        <details className="card">
          <summary>{t('analytics.addBenchmark')}</summary>
          <form onSubmit={submit} className="form-grid">
            <label>
              {t('analytics.metric')}
              <input value={form.metric} onChange={set('metric')} required />
            </label>
            <label>
              {t('analytics.segment')}
              <input value={form.segment} onChange={set('segment')} />
            </label>
            <label>
              {t('analytics.low')}
              <input value={form.low} onChange={set('low')} inputMode="decimal" />
            </label>
            <label>
              {t('analytics.high')}
              <input value={form.high} onChange={set('high')} inputMode="decimal" />
            </label>
            <label>
              {t('analytics.source')}
              <input value={form.source} onChange={set('source')} required />
            </label>
            <button type="submit">{t('analytics.addBenchmark')}</button>
            {outcome && (
              <p className={outcome.ok ? 'ok-text' : 'error-text'} role={outcome.ok ? 'status' : 'alert'}>
                {outcome.text}
              </p>
            )}
          </form>
        </details>
      )}
    </>
  );
}
