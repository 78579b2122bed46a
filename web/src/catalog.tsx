import { createContext, useContext, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState, Loading } from './components/states.tsx';
import { useApi } from './data.ts';
import type { Unit } from './format.ts';

type Texts = { en: string; ru: string; lt: string };

/** A metric as GET /api/v1/metrics gives it (src/http/routes/metrics.ts, PresentedMetric). */
export interface MetricInfo {
  id: string;
  names: Texts;
  description: string;
  descriptions: Texts;
  unit: Unit;
  direction: 'higher_is_better' | 'lower_is_better' | 'neutral';
  entity: 'tickets' | 'survey_responses' | 'survey_invitations' | 'customers' | 'orders' | 'costs';
  min_sample: number;
  uncertainty: string;
  options: Array<{
    id: string;
    description: string;
    descriptions: Texts;
    values?: string[];
    default: string | number | boolean;
  }>;
  business_hours: boolean;
  dimensions: string[];
  custom: boolean;
  /** The range of a bounded value (CES 1-7, NPS -100..100); null for shares and open-ended units. */
  scale: { min: number; max: number } | null;
  /** The entities it is computed from (what to import for it). */
  sources: string[];
  /** Whether the signed-in caller may query it; the server decides (src/auth/access.ts scopes). */
  queryable: boolean;
  reason: { code: string; message: string } | null;
}

export interface Directory {
  teams: Array<{ id: string; name: string }>;
  agents: Array<{ id: string; name: string; team_id: string | null; active: boolean }>;
  data: { first: string | null; last: string | null };
}

export interface MetricRow {
  metric: string;
  period: string | null;
  group: Record<string, string | null>;
  value: number | null;
  n: number;
  ci_low: number | null;
  ci_high: number | null;
  low_sample: boolean;
  previous?: number | null;
  delta?: number | null;
  significant?: boolean | null;
  /** The period is not over yet (or the data ends inside it). */
  partial?: boolean;
  /** With a comparison: the previous period is itself partial. */
  previous_partial?: boolean;
  /** Rows of a metric that has any target (src/kpi/targets.ts judgeRows): the target in force. */
  target?: number | null;
  attainment?: Attainment;
  /** A miss with the whole 95 % interval on the wrong side of the target; null without interval. */
  miss_significant?: boolean | null;
}

/** src/kpi/targets.ts Attainment. */
export type Attainment = 'met' | 'missed' | 'not_enough_data' | 'no_target';

export interface QueryResult {
  rows: MetricRow[];
  meta: { tz: string; from: string; to: string; grain: string; compare: string | null; business_hours: boolean };
}

interface CatalogValue {
  metrics: MetricInfo[];
  byId: Map<string, MetricInfo>;
  directory: Directory;
}

const CatalogContext = createContext<CatalogValue | null>(null);

/** The metric catalog and the caller's teams and agents, loaded once after login. */
export function CatalogProvider({ children }: { children: ReactNode }) {
  const metrics = useApi<{ metrics: MetricInfo[] }>('/metrics');
  const directory = useApi<Directory>('/directory');
  const failed = metrics.error ?? directory.error;
  if (failed)
    return (
      <ErrorState
        error={failed}
        onRetry={() => {
          metrics.reload();
          directory.reload();
        }}
      />
    );
  if (!metrics.data || !directory.data) return <Loading />;
  const value: CatalogValue = {
    metrics: metrics.data.metrics,
    byId: new Map(metrics.data.metrics.map((m) => [m.id, m])),
    directory: directory.data,
  };
  return <CatalogContext.Provider value={value}>{children}</CatalogContext.Provider>;
}

export function useCatalog(): CatalogValue {
  const value = useContext(CatalogContext);
  if (!value) throw new Error('useCatalog outside CatalogProvider');
  return value;
}

/** A metric's name in the reader's language. */
export function useMetricName() {
  const { i18n } = useTranslation();
  const { byId } = useCatalog();
  return (id: string) => {
    const metric = byId.get(id);
    return metric ? (metric.names[i18n.language as 'en'] ?? metric.names.en) : id;
  };
}

/** A metric's definition and its options' descriptions in the reader's language. */
export function useMetricText() {
  const { i18n } = useTranslation();
  const language = i18n.language as keyof Texts;
  return {
    description: (metric: MetricInfo) => metric.descriptions?.[language] ?? metric.description,
    option: (option: MetricInfo['options'][number]) => option.descriptions?.[language] ?? option.description,
  };
}

/** A dimension's label in the reader's language. */
export function useDimensionLabel() {
  const { t } = useTranslation();
  return (id: string) => {
    const attribute = /^(customer\.)?attributes\.(.+)$/.exec(id);
    if (attribute) return t('dims.attribute', { name: attribute[2] });
    const key = `dims.${id.replace(/\./g, '_')}`;
    const text = t(key as 'dims.team');
    return text === key ? id : text;
  };
}

/** A group's display: the name the engine joined in, or the id. */
export function groupLabel(group: Record<string, string | null>, dimension: string, fallback: string): string {
  const id = group[dimension];
  if (id === null || id === undefined) return fallback;
  return group[`${dimension}_name`] ?? id;
}

/** A metric option's name and its values in the reader's language (the option id when unknown). */
export function useOptionLabels() {
  const { t } = useTranslation();
  const lookup = (key: string) => {
    const full = `metricOptions.${key}`;
    const text = t(full as 'metricOptions.true');
    return text === full ? undefined : text;
  };
  return {
    name: (id: string) => lookup(id) ?? id.replace(/_/g, ' '),
    value: (id: string, value: string) => lookup(`${id}_${value}`) ?? lookup(value) ?? value,
  };
}
