import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MetricRowsResult } from '../../../src/contract/api.ts';
import { download } from '../api.ts';
import { useMetricName, useSeesCustomers, type MetricInfo } from '../catalog.tsx';
import { useApi } from '../data.ts';
import { formatDuration } from '../format.ts';
import { useFormat } from '../use-format.ts';
import { ErrorState, Loading } from './states.tsx';

export interface Drill {
  metric: MetricInfo;
  from: string;
  to: string;
  where: Record<string, string[]>;
  businessHours: boolean;
  options: Record<string, string | number | boolean>;
  /** What the rows are behind, for the title: period and group in words. */
  label: string;
}

/** POST /api/v1/query/rows. */
type RowsResult = MetricRowsResult;

const SHOWN = 200;
// Customer metrics are computed from states; their rows are the customers of the group.
const CUSTOMER_FIELDS: Record<string, string> = {
  customer: 'id',
  segment: 'segment',
  plan: 'plan',
  country: 'country',
  language: 'language',
  acquisition_channel: 'acquisition_channel',
};

/** The records behind a value, with CSV and XLSX export of all of them (up to 100,000). */
export function RowsPanel({ drill, onClose }: { drill: Drill; onClose: () => void }) {
  const { t } = useTranslation();
  const metricName = useMetricName();
  const name = metricName(drill.metric.id);
  const body = {
    metric: drill.metric.id,
    from: drill.from,
    to: drill.to,
    where: drill.where,
    business_hours: drill.businessHours,
    options: drill.options,
  };
  const rows = useApi<RowsResult>('/query/rows', { body: { ...body, limit: SHOWN } });
  const seesCustomers = useSeesCustomers();
  const fromStates = rows.error?.code === 'rows-not-available' && seesCustomers;
  const customerQuery: Record<string, string> = {};
  for (const [dimension, values] of Object.entries(drill.where)) {
    const field = CUSTOMER_FIELDS[dimension];
    if (field) customerQuery[field] = values.join(',');
  }
  const customers = useApi<{ rows: Array<Record<string, unknown>> }>(fromStates ? '/customers' : null, {
    query: { ...customerQuery, limit: SHOWN },
  });
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string>();

  const exportRows = async (format: 'csv' | 'xlsx') => {
    setExporting(true);
    setExportError(undefined);
    try {
      if (fromStates)
        await download('/customers', { query: { ...customerQuery, format: 'csv', limit: 10_000 } }, 'customers.csv');
      else
        await download(
          '/query/rows',
          { body: { ...body, limit: 100_000 }, query: { format } },
          `${drill.metric.id}-${drill.from}-rows.${format}`,
        );
    } catch (error) {
      setExportError((error as Error).message);
    } finally {
      setExporting(false);
    }
  };

  const shown = fromStates ? customers : rows;
  const data = fromStates
    ? customers.data && {
        columns: Object.keys(customers.data.rows[0] ?? { id: '' }),
        rows: customers.data.rows,
        truncated: false,
      }
    : rows.data;

  return (
    <section className="rows-panel" aria-labelledby="rows-title" data-testid="rows-panel">
      <header>
        <div>
          <h2 id="rows-title">{fromStates ? t('rows.customersOnly') : t('rows.title')}</h2>
          <p className="muted">{t('rows.context', { metric: name, period: drill.label, group: '' })}</p>
        </div>
        <div className="actions">
          <span className="muted">{t('rows.export')}:</span>
          <button
            type="button"
            onClick={() => void exportRows('csv')}
            disabled={exporting || !data}
            data-testid="export-csv"
          >
            {t('rows.csv')}
          </button>
          {!fromStates && (
            <button
              type="button"
              onClick={() => void exportRows('xlsx')}
              disabled={exporting || !data}
              data-testid="export-xlsx"
            >
              {t('rows.xlsx')}
            </button>
          )}
          <button type="button" className="secondary" onClick={onClose} aria-label={t('app.close')}>
            ✕
          </button>
        </div>
      </header>
      {exporting && <Loading inline label={t('rows.exporting')} />}
      {exportError && (
        <p className="error-text" role="alert">
          {exportError}
        </p>
      )}
      {fromStates && <p className="note">{t('rows.notAvailable', { metric: name })}</p>}
      {shown.loading && <Loading />}
      {shown.error && !(shown === rows && fromStates) && (
        <ErrorState error={shown.error} onRetry={shown.reload} compact />
      )}
      {data && (
        <RowsTable columns={data.columns} rows={data.rows} truncated={data.truncated} unit={drill.metric.unit} />
      )}
    </section>
  );
}

const FIRST = ['id', 'counts_as_success', 'promoter', 'detractor', 'measured_value', 'score', 'comment'];
const TIME = /(_at|^date|period_start|period_end)$/;

export function RowsTable({
  columns,
  rows,
  truncated,
  unit,
}: {
  columns: string[];
  rows: Array<Record<string, unknown>>;
  truncated: boolean;
  /** The metric's unit, for measured_value. */
  unit?: string;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  if (!rows.length) return <p className="empty">{t('rows.none')}</p>;
  const ordered = [...FIRST.filter((c) => columns.includes(c)), ...columns.filter((c) => !FIRST.includes(c))];
  const cell = (column: string, value: unknown): string => {
    if (value === null || value === undefined) return '';
    if (typeof value === 'boolean') return value ? t('app.yes') : t('app.no');
    if (column === 'measured_value' && typeof value === 'number')
      return unit === 'seconds' ? formatDuration(value, format.language) : format.value(value, unit ?? 'number');
    if (TIME.test(column) && typeof value === 'string' && value.length > 10) return format.date(value, true);
    if (Array.isArray(value)) return value.join(', ');
    if (typeof value === 'object') return JSON.stringify(value) === '{}' ? '' : JSON.stringify(value);
    return String(value);
  };
  return (
    <>
      <p className="muted" data-testid="rows-count">
        {truncated ? t('rows.truncated', { count: rows.length }) : t('rows.count', { count: rows.length })}
      </p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label={t('rows.title')}>
        <table className="data rows">
          <thead>
            <tr>
              {ordered.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={String(row.id ?? i)}>
                {ordered.map((c) => (
                  <td key={c} className={c === 'comment' ? 'wrap' : undefined}>
                    {cell(c, row[c])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
