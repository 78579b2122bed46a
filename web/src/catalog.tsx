import { createContext, useContext, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState, Loading } from './components/states.tsx';
import { useApi } from './data.ts';

// The server's answers, declared once (src/contract/api.ts): what a metric is, whether this
// caller may query it and by what it can be grouped all come from GET /api/v1/metrics.
import type {
  Attainment,
  Directory,
  MetricList,
  MetricResult,
  MetricRow,
  PresentedMetric,
  Texts,
} from '../../src/contract/api.ts';
export type { Attainment, Directory, MetricRow };
/** A metric as GET /api/v1/metrics gives it. */
export type MetricInfo = PresentedMetric;
/** POST /api/v1/query. */
export type QueryResult = MetricResult;

interface CatalogValue {
  metrics: MetricInfo[];
  byId: Map<string, MetricInfo>;
  directory: Directory;
}

const CatalogContext = createContext<CatalogValue | null>(null);

/** The metric catalog and the caller's teams and agents, loaded once after login. */
export function CatalogProvider({ children }: { children: ReactNode }) {
  const metrics = useApi<MetricList>('/metrics');
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

/**
 * Whether the caller may see single agents' numbers: the server lists `agent` among the metrics'
 * dimensions only then (viewers see teams, never one agent).
 */
export function useSeesAgents(): boolean {
  return useCatalog().metrics.some((m) => m.dimensions.includes('agent'));
}

/** Whether the caller may see reviews: the server refuses metrics of them to team-scoped callers. */
export function useSeesReviews(): boolean {
  return useCatalog().metrics.some((m) => m.entity === 'reviews' && m.queryable);
}

/**
 * Whether the caller may see customers: the server refuses customer metrics, and the customer
 * list, to team leads and agents (customers are not team data).
 */
export function useSeesCustomers(): boolean {
  return useCatalog().metrics.some((m) => m.entity === 'customers' && m.queryable);
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
