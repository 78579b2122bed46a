import type { MetricDef, MetricOption } from './types.ts';

/** How a customer counts as active; shared by every metric built on customer activity. */
export const ACTIVITY_OPTIONS: MetricOption[] = [
  {
    id: 'activity',
    description:
      'What makes a customer active: a subscription covering the instant (subscriptions), a completed order within the ' +
      'activity window before it (orders), either, or auto: subscriptions when the organization has any, else orders.',
    values: ['auto', 'subscriptions', 'orders', 'either'],
    default: 'auto',
  },
  {
    id: 'activity_window_days',
    description: 'For order activity: a customer stays active this many days after each completed order.',
    default: 365,
  },
];

const churnOptions: MetricOption[] = [
  {
    id: 'churn_denominator',
    description:
      'start: customers active at the period start (customers who join and leave within the period are in neither part); ' +
      'start_plus_new: also count those, over start + new customers (Stripe-style).',
    values: ['start', 'start_plus_new'],
    default: 'start',
  },
  ...ACTIVITY_OPTIONS,
];
const withNew = (measure: 'churned' | 'churn_rate' | 'retention_rate') => (options: Record<string, unknown>) => ({
  formula: { kind: 'customer_state' as const, measure, withNew: options.churn_denominator === 'start_plus_new' },
});

const base = {
  entity: 'customers',
  time: 'subscription started_at / ended_at; order ordered_at',
  where: 'true',
  minSample: 0,
  uncertainty: 'none',
  options: ACTIVITY_OPTIONS,
} as const;

export const customerMetrics: MetricDef[] = [
  {
    ...base,
    id: 'active_customers',
    names: { en: 'Active customers', ru: 'Активные клиенты', lt: 'Aktyvūs klientai' },
    description:
      'Customers active at the end of the period (a subscription covering it, or an order within the window).',
    unit: 'count',
    direction: 'higher_is_better',
    population: 'customers with subscriptions or completed orders',
    formula: { kind: 'customer_state', measure: 'active_end' },
  },
  {
    ...base,
    id: 'new_customers',
    names: { en: 'New customers', ru: 'Новые клиенты', lt: 'Nauji klientai' },
    description: 'Customers whose first activity (first subscription or first completed order) starts in the period.',
    unit: 'count',
    direction: 'higher_is_better',
    population: 'customers with subscriptions or completed orders',
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
    options: churnOptions,
    sqlFor: withNew('churned'),
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
    options: churnOptions,
    sqlFor: withNew('churn_rate'),
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
    options: churnOptions,
    sqlFor: withNew('retention_rate'),
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
    description:
      'Mean of the active customers at the start and at the end of the period (the denominator of ARPU); n is the customers active at either.',
    unit: 'number',
    direction: 'higher_is_better',
    population: 'customers with subscriptions or completed orders',
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
    population: 'customers active in the period (MRR 0 when none has a subscription at its end)',
    formula: { kind: 'customer_state', measure: 'mrr' },
    options: [],
  },
  {
    ...base,
    id: 'net_revenue_retention',
    names: {
      en: 'Net revenue retention',
      ru: 'Чистое удержание выручки (NRR)',
      lt: 'Grynasis pajamų išlaikymas (NRR)',
    },
    description:
      'MRR at the period end of the customers who had MRR at its start, with expansion and contraction, / their MRR at the start. ' +
      'New customers are not in it; above 100 % means expansion outgrew churn.',
    unit: 'ratio',
    direction: 'higher_is_better',
    population: 'customers with subscription MRR at the period start',
    formula: { kind: 'customer_state', measure: 'net_revenue_retention' },
    options: [],
  },
  {
    ...base,
    id: 'gross_revenue_retention',
    names: {
      en: 'Gross revenue retention',
      ru: 'Валовое удержание выручки (GRR)',
      lt: 'Bendrasis pajamų išlaikymas (GRR)',
    },
    description:
      'As net revenue retention, but each customer counts at most their MRR at the start: losses only, at most 100 %.',
    unit: 'ratio',
    direction: 'higher_is_better',
    population: 'customers with subscription MRR at the period start',
    formula: { kind: 'customer_state', measure: 'gross_revenue_retention' },
    options: [],
  },
];
