import type { FieldProblem } from '../shape-record.ts';
import { markUtc, pick, type Preset, type Values } from './preset.ts';

/**
 * Stripe Dashboard exports. Columns named "(UTC)" hold UTC times without an offset
 * (`2026-03-02 09:15`) and are read as UTC whatever the organization's zone. Amounts are in the
 * currency's major unit (`29.00`).
 *
 * Subscriptions (Billing > Subscriptions > Export): mrr is Amount x Quantity per month: a yearly
 * price is divided by 12, a weekly one multiplied by 52/12, a daily one by 365/12 (over the
 * Interval Count when exported), rounded to 4 decimals. started_at is Start (else Created);
 * ended_at is Ended At, else Canceled At for a canceled subscription. The customer (Customer ID,
 * with its e-mail and name or description) is created or matched by id or e-mail.
 *
 * Customers (Customers > Export): id, Name (else Description), Email, Created.
 */
const PER_MONTH: Record<string, number> = { month: 1, year: 1 / 12, week: 52 / 12, day: 365 / 12 };
const SUBSCRIPTION_TIMES = [
  'Created (UTC)',
  'Start (UTC)',
  'Start Date (UTC)',
  'Current Period Start (UTC)',
  'Current Period End (UTC)',
  'Trial Start (UTC)',
  'Trial End (UTC)',
  'Canceled At (UTC)',
  'Ended At (UTC)',
];

export const stripeSubscriptions: Preset = {
  name: 'stripe',
  entity: 'subscriptions',
  description: 'Stripe subscriptions export (CSV)',
  keepUnknown: true,
  signature: ['id', 'Customer ID', 'Plan', 'Interval', 'Current Period End (UTC)'],
  map: {
    id: 'id',
    'Customer ID': 'customer_id',
    'Customer Email': 'attributes.customer_email',
    'Customer Name': 'attributes.customer_name',
    'Customer Description': 'attributes.customer_description',
    Plan: 'plan',
    Product: 'attributes.product',
    Quantity: 'attributes.quantity',
    Interval: 'attributes.interval',
    'Interval Count': 'attributes.interval_count',
    Amount: 'attributes.amount',
    Currency: 'currency',
    Status: 'attributes.status',
    'Start (UTC)': 'started_at',
    'Start Date (UTC)': 'started_at',
    'Created (UTC)': 'attributes.created_at',
    'Ended At (UTC)': 'ended_at',
    'Canceled At (UTC)': 'attributes.canceled_at',
    'Cancellation Reason': 'cancel_reason',
  },
  notes: {
    Amount: 'mrr = Amount x Quantity per month (year / 12, week x 52/12, day x 365/12)',
    'Start (UTC)': 'started_at (else Created (UTC)); read as UTC',
    'Ended At (UTC)': 'ended_at (else Canceled At for a canceled subscription)',
    'Customer ID': 'customer created or matched by id or e-mail (Customer Email, Customer Name or Description)',
  },
  prepare(input) {
    const values: Values = { ...input };
    markUtc(values, SUBSCRIPTION_TIMES);
    const errors: FieldProblem[] = [];
    const amount = pick(values, 'Amount');
    const quantity = pick(values, 'Quantity') ?? '1';
    const interval = (pick(values, 'Interval') ?? 'month').toLowerCase();
    const count = Number(pick(values, 'Interval Count') ?? '1');
    const perMonth = PER_MONTH[interval];
    if (amount === undefined) errors.push({ field: 'Amount', reason: 'is required (the price of the subscription)' });
    else if (!/^-?\d+(\.\d+)?$/.test(amount.replace(/,/g, '')))
      errors.push({ field: 'Amount', reason: `"${amount}" is not an amount` });
    if (!/^\d+$/.test(quantity)) errors.push({ field: 'Quantity', reason: `"${quantity}" is not a whole number` });
    if (perMonth === undefined)
      errors.push({ field: 'Interval', reason: `"${interval}" is not day, week, month or year` });
    if (!Number.isFinite(count) || count < 1)
      errors.push({ field: 'Interval Count', reason: 'is not a positive number' });
    if (errors.length) return { values, errors };
    const mrr = (Number(amount!.replace(/,/g, '')) * Number(quantity) * perMonth!) / count;
    values.mrr = mrr.toFixed(4).replace(/\.?0+$/, '') || '0';
    if (pick(values, 'Start (UTC)', 'Start Date (UTC)') === undefined && values['Created (UTC)'] !== undefined)
      values.started_at = values['Created (UTC)'];
    if (pick(values, 'Ended At (UTC)') === undefined && pick(values, 'Status')?.toLowerCase() === 'canceled')
      values.ended_at = values['Canceled At (UTC)'];
    if (typeof values.Currency === 'string') values.Currency = values.Currency.toUpperCase();
    return { values };
  },
  refs(values) {
    const customer = pick(values, 'Customer ID', 'Customer Email');
    const email = pick(values, 'Customer Email');
    const name = pick(values, 'Customer Name', 'Customer Description');
    return customer
      ? { customer: { key: customer, ...(email ? { email: email.toLowerCase() } : {}), ...(name ? { name } : {}) } }
      : {};
  },
};

export const stripeCustomers: Preset = {
  name: 'stripe',
  entity: 'customers',
  description: 'Stripe customers export (CSV)',
  keepUnknown: true,
  signature: ['id', 'Description', 'Email', 'Created (UTC)', 'Delinquent'],
  map: {
    id: 'id',
    Name: 'name',
    Description: 'attributes.description',
    Email: 'email',
    'Created (UTC)': 'signed_up_at',
    Currency: 'attributes.currency',
    Plan: 'plan',
  },
  notes: { Name: 'name (else Description)', 'Created (UTC)': 'signed_up_at, read as UTC' },
  prepare(input) {
    const values: Values = { ...input };
    markUtc(values, ['Created (UTC)']);
    if (pick(values, 'Name') === undefined && pick(values, 'Description') !== undefined)
      values.Name = values.Description;
    return { values };
  },
};
