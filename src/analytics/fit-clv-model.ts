import { sql } from 'kysely';
import { z } from 'zod';
import { addDays, daysBetween, isDate } from '../calendar/periods.ts';
import type { Db } from '../db/connect.ts';
import { badRequest } from '../errors.ts';
import type { Organization } from '../orgs/index.ts';
import {
  conditionalExpectedPurchases,
  expectedAverageValue,
  fitBgNbd,
  fitGammaGamma,
  probabilityAlive,
  type BgNbdParams,
  type CustomerSummary,
  type GammaGammaParams,
} from './clv-model.ts';

/**
 * Fits BG/NBD and Gamma-Gamma to an organization's completed orders in a calibration range
 * [from, to), per segment when asked, and scores each customer: expected purchases over the
 * horizon, P(alive), expected value per purchase and their product, the expected value.
 *
 * A purchase period is a local day of the organization's time zone (several orders on one day
 * are one purchase of their summed value, as in Fader & Hardie's CDNOW data); time is in weeks.
 * x = purchase days after the first, t_x = first to last purchase day, T = first purchase day to
 * the last day of the range (to - 1), as in lifetimes' summary_data_from_transaction_data.
 */
const ZDate = z.string().refine(isDate, 'must be a date such as 2026-01-01');
export const ZClvModelQuery = z
  .object({
    from: ZDate.optional(),
    to: ZDate,
    /** Forecast horizon in weeks for expected purchases and value. */
    horizon_weeks: z.number().positive().max(520).default(52),
    /** Fit one model per customer segment (customer.segment), as well as for everyone. */
    by_segment: z.boolean().default(false),
    /** How many customers to return with their scores (highest expected value first). */
    customers: z.number().int().min(0).max(100_000).default(0),
  })
  .refine((q) => !q.from || q.from < q.to, {
    message: 'from must be before to (the range is [from, to))',
    path: ['to'],
  });
export type ClvModelQuery = z.input<typeof ZClvModelQuery>;

export interface CustomerScore {
  customer_id: string;
  segment: string | null;
  x: number;
  t_x: number;
  T: number;
  monetary: number | null;
  expected_purchases: number | null;
  p_alive: number | null;
  expected_average_value: number | null;
  expected_value: number | null;
}

export interface ClvModel {
  segment: string | null;
  customers: number;
  repeat_customers: number;
  /** BG/NBD and Gamma-Gamma parameters; null when the data cannot identify them. */
  r: number | null;
  alpha: number | null;
  a: number | null;
  b: number | null;
  p: number | null;
  q: number | null;
  v: number | null;
  log_likelihood: { bg_nbd: number | null; gamma_gamma: number | null };
  converged: boolean;
  /** Means over the segment's customers. */
  mean_expected_purchases: number | null;
  mean_p_alive: number | null;
  mean_expected_value: number | null;
}

export interface ClvModelResult {
  meta: { from: string | null; to: string; time_unit: 'week'; horizon_weeks: number; currency: string; tz: string };
  models: ClvModel[];
  customers: CustomerScore[];
}

interface OrderDay {
  customer_id: string;
  segment: string | null;
  day: string;
  value: number;
}

export async function fitClvModel(db: Db, org: Organization, input: ClvModelQuery): Promise<ClvModelResult> {
  const parsed = ZClvModelQuery.safeParse(input);
  if (!parsed.success)
    throw badRequest(
      'invalid-query',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
    );
  const query = parsed.data;
  const tz = org.timezone;
  const lastDay = addDays(query.to, -1);
  const rows = await sql<{ customer_id: string; segment: string | null; day: string; value: string | number }>`
    select o.customer_id, c.segment,
      to_char((o.ordered_at at time zone ${tz})::date, 'YYYY-MM-DD') as day,
      sum(coalesce(o.amount_reporting, o.amount))::float8 as value
    from customer_order o
    left join customer c on c.org_id = o.org_id and c.id = o.customer_id
    where o.org_id = ${org.id}::uuid and o.status = 'completed'
      and o.ordered_at < (${query.to}::date::timestamp at time zone ${tz})
      ${query.from ? sql`and o.ordered_at >= (${query.from}::date::timestamp at time zone ${tz})` : sql``}
    group by o.customer_id, c.segment, 3
    order by o.customer_id, 3`.execute(db.kysely);
  const byCustomer = new Map<string, OrderDay[]>();
  for (const row of rows.rows) {
    const list = byCustomer.get(row.customer_id) ?? [];
    list.push({ ...row, value: Number(row.value) });
    byCustomer.set(row.customer_id, list);
  }
  const summaries = [...byCustomer.entries()].map(([id, days]) => {
    const first = days[0]!;
    const repeat = days.slice(1);
    return {
      id,
      segment: first.segment,
      summary: {
        x: repeat.length,
        tx: daysBetween(first.day, days.at(-1)!.day) / 7,
        T: daysBetween(first.day, lastDay) / 7,
        monetary: repeat.length ? repeat.reduce((s, d) => s + d.value, 0) / repeat.length : undefined,
      } satisfies CustomerSummary,
    };
  });
  const groups: Array<[string | null, typeof summaries]> = [[null, summaries]];
  if (query.by_segment) {
    const segments = [...new Set(summaries.map((s) => s.segment ?? ''))].sort();
    for (const segment of segments) groups.push([segment, summaries.filter((s) => (s.segment ?? '') === segment)]);
  }
  const models: ClvModel[] = [];
  const scores: CustomerScore[] = [];
  for (const [segment, members] of groups) {
    const customers = members.map((m) => m.summary);
    const bg = fitBgNbd(customers);
    const gg = fitGammaGamma(customers);
    const scored = members.map((m) => score(m.id, m.segment, m.summary, bg?.params, gg?.params, query.horizon_weeks));
    if (segment === null) scores.push(...scored);
    const mean = (values: Array<number | null>) => {
      const known = values.filter((v): v is number => v !== null);
      return known.length ? known.reduce((s, v) => s + v, 0) / known.length : null;
    };
    models.push({
      segment,
      customers: customers.length,
      repeat_customers: customers.filter((c) => c.x > 0).length,
      r: bg?.params.r ?? null,
      alpha: bg?.params.alpha ?? null,
      a: bg?.params.a ?? null,
      b: bg?.params.b ?? null,
      p: gg?.params.p ?? null,
      q: gg?.params.q ?? null,
      v: gg?.params.v ?? null,
      log_likelihood: { bg_nbd: bg?.logLikelihood ?? null, gamma_gamma: gg?.logLikelihood ?? null },
      converged: (bg?.converged ?? false) && (gg?.converged ?? false),
      mean_expected_purchases: bg ? mean(scored.map((s) => s.expected_purchases)) : null,
      mean_p_alive: bg ? mean(scored.map((s) => s.p_alive)) : null,
      mean_expected_value: bg && gg ? mean(scored.map((s) => s.expected_value)) : null,
    });
  }
  scores.sort((x, y) => (y.expected_value ?? -Infinity) - (x.expected_value ?? -Infinity));
  return {
    meta: {
      from: query.from ?? null,
      to: query.to,
      time_unit: 'week',
      horizon_weeks: query.horizon_weeks,
      currency: org.currency,
      tz,
    },
    models,
    customers: scores.slice(0, query.customers),
  };
}

function score(
  id: string,
  segment: string | null,
  c: CustomerSummary,
  bg: BgNbdParams | undefined,
  gg: GammaGammaParams | undefined,
  horizon: number,
): CustomerScore {
  const purchases = bg ? conditionalExpectedPurchases(bg, c, horizon) : null;
  const average = gg ? expectedAverageValue(gg, c.x, c.monetary ?? 0) : null;
  return {
    customer_id: id,
    segment,
    x: c.x,
    t_x: round(c.tx),
    T: round(c.T),
    monetary: c.monetary ?? null,
    expected_purchases: purchases,
    p_alive: bg ? probabilityAlive(bg, c) : null,
    expected_average_value: average,
    expected_value: average !== null && purchases !== null ? purchases * average : null,
  };
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
