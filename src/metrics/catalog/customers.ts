import type { MetricDef } from './types.ts';

const base = {
  entity: 'customers',
  time: 'subscription started_at / ended_at',
  where: 'true',
  minSample: 0,
  uncertainty: 'none',
} as const;

export const customerMetrics: MetricDef[] = [
  {
    ...base,
    id: 'active_customers',
    names: { en: 'Active customers', ru: 'Активные клиенты', lt: 'Aktyvūs klientai' },
    description: 'Customers with a subscription covering the end of the period.',
    unit: 'count',
    direction: 'higher_is_better',
    population: 'customers with subscriptions',
    formula: { kind: 'customer_state', measure: 'active_end' },
  },
  {
    ...base,
    id: 'new_customers',
    names: { en: 'New customers', ru: 'Новые клиенты', lt: 'Nauji klientai' },
    description: 'Customers whose first subscription starts in the period.',
    unit: 'count',
    direction: 'higher_is_better',
    population: 'customers with subscriptions',
    formula: { kind: 'customer_state', measure: 'new' },
  },
  {
    ...base,
    id: 'churned_customers',
    names: { en: 'Churned customers', ru: 'Ушедшие клиенты', lt: 'Prarasti klientai' },
    description:
      'Customers active at the start of the period and not at its end (a customer who leaves and comes back within the period has not churned).',
    unit: 'count',
    direction: 'lower_is_better',
    population: 'customers active at the period start',
    formula: { kind: 'customer_state', measure: 'churned' },
  },
  {
    ...base,
    id: 'customer_churn_rate',
    names: { en: 'Customer churn rate', ru: 'Отток клиентов', lt: 'Klientų nutekėjimas' },
    description:
      'Churned customers / customers active at the period start. Customers who join and leave within the period are in neither. ' +
      '(start - end) / start is not churn: new customers would hide losses.',
    unit: 'ratio',
    direction: 'lower_is_better',
    population: 'customers active at the period start',
    formula: { kind: 'customer_state', measure: 'churn_rate' },
    minSample: 30,
    uncertainty: 'wilson',
  },
  {
    ...base,
    id: 'retention_rate',
    names: { en: 'Customer retention rate', ru: 'Удержание клиентов', lt: 'Klientų išlaikymas' },
    description:
      '1 - customer_churn_rate: customers active at the start and still active at the end / active at the start.',
    unit: 'ratio',
    direction: 'higher_is_better',
    population: 'customers active at the period start',
    formula: { kind: 'customer_state', measure: 'retention_rate' },
    minSample: 30,
    uncertainty: 'wilson',
  },
  {
    ...base,
    id: 'average_active_customers',
    names: {
      en: 'Average active customers',
      ru: 'Среднее число активных клиентов',
      lt: 'Vidutinis aktyvių klientų skaičius',
    },
    description: 'Mean of the active customers at the start and at the end of the period (the denominator of ARPU).',
    unit: 'number',
    direction: 'higher_is_better',
    population: 'customers with subscriptions',
    formula: { kind: 'customer_state', measure: 'average_active' },
  },
  {
    ...base,
    id: 'mrr',
    names: {
      en: 'Monthly recurring revenue',
      ru: 'Ежемесячная регулярная выручка (MRR)',
      lt: 'Mėnesio pasikartojančios pajamos (MRR)',
    },
    description: 'Sum of the MRR (in the reporting currency) of subscriptions active at the end of the period.',
    unit: 'money',
    direction: 'higher_is_better',
    population: 'subscriptions active at the period end',
    formula: { kind: 'customer_state', measure: 'mrr' },
  },
];
