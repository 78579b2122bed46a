import { sql } from 'kysely';
import { z } from 'zod';
import type { Benchmark } from '../contract/api.ts';
import type { Db } from '../db/connect.ts';
import { AppError, badRequest, notFound } from '../errors.ts';
import { getMetric } from '../metrics/index.ts';

/**
 * Industry reference values ("industry range"), shown beside a KPI and never mixed with the
 * organization's own targets. The shipped set is versioned; each value names where it was
 * published. They were taken from public pages that restate the primary studies (named in
 * `note`); docs/analytics.md#benchmarks says how to read them. Organizations add their own
 * (source required), which are listed with `origin: "organization"`.
 */
export const BENCHMARK_VERSION = '2026-12';

export type { Benchmark } from '../contract/api.ts';

const industry = (
  id: string,
  metric: string,
  segment: string,
  low: number | null,
  high: number | null,
  label: string,
  source: Benchmark['source'],
): Benchmark => ({ id, origin: 'industry', version: BENCHMARK_VERSION, metric, segment, low, high, label, source });

const surveypal = {
  title: 'Surveypal, "10 Customer Service Benchmarks"',
  url: 'https://surveypal.com/customer-service-benchmarks/',
  note: 'Curated from Qualtrics, Zendesk and SQM Group; 2023 all-industry figures.',
};

export const INDUSTRY_BENCHMARKS: readonly Benchmark[] = [
  industry(
    'csat-good',
    'csat',
    'all industries',
    0.75,
    0.85,
    'good 75-84 %, world-class 85 %+, 2023 average 77 %',
    surveypal,
  ),
  industry(
    'fcr-good',
    'fcr_rate',
    'all industries',
    0.7,
    0.8,
    'good 70-79 %, world-class 80 %+, 2023 average 68 %',
    surveypal,
  ),
  industry(
    'frt-email',
    'first_response_time',
    'email',
    null,
    4 * 3600,
    'good under 4 h, best-in-class under 1 h; average 12 h 10 min',
    {
      title: 'Stealth Agents, "First Response Time Benchmarks for Customer Support"',
      url: 'https://stealthagents.com/research/first-response-time-benchmarks-for-customer-support-what-the-data-actually-shows',
      note: 'Average across 1,000 companies from EmailAnalytics (2024); tiers as published there.',
    },
  ),
  industry(
    'churn-smb-saas',
    'customer_churn_rate',
    'SMB SaaS, monthly',
    0.03,
    0.05,
    'typical good monthly churn 3-5 %',
    {
      title: 'Stats for Startups, "Gross Churn Rate"',
      url: 'https://www.statsforstartups.com/kpis/gross-churn-rate/',
      note: 'Also: Recurly found average monthly churn of 5 % (B2B) and 7.05 % (B2C); enterprise products under 1 %.',
    },
  ),
  industry(
    'churn-enterprise-saas',
    'customer_churn_rate',
    'enterprise SaaS, monthly',
    null,
    0.01,
    'under 1 % a month',
    {
      title: 'Stats for Startups, "Gross Churn Rate"',
      url: 'https://www.statsforstartups.com/kpis/gross-churn-rate/',
      note: null,
    },
  ),
  industry(
    'nrr-good',
    'net_revenue_retention',
    'B2B SaaS',
    1.0,
    1.1,
    'good 100-110 %, very good 110-130 %, under 90 % alarming',
    {
      title: 'Outilsy, "Calcul taux de churn" (benchmarks from ProfitWell and OpenView)',
      url: 'https://outilsy.fr/categories/business/calcul-taux-churn',
      note: null,
    },
  ),
  industry('support-cost-revenue', 'support_cost_to_revenue', 'all industries', null, 0.1, 'below 10 % of revenue', {
    title: 'cxkpi seed requirements (issue 18)',
    url: null,
    note: 'The product brief: support cost should stay below 10 % of revenue.',
  }),
];

export const ZBenchmarkInput = z
  .object({
    metric: z.string().min(1),
    segment: z.string().max(200).default(''),
    low: z.number().nullable().default(null),
    high: z.number().nullable().default(null),
    source: z.string().trim().min(1, 'say where the range comes from').max(500),
  })
  .refine((b) => b.low !== null || b.high !== null, { message: 'give low, high or both', path: ['low'] })
  .refine((b) => b.low === null || b.high === null || b.low <= b.high, {
    message: 'low must not exceed high',
    path: ['high'],
  });
export type BenchmarkInput = z.input<typeof ZBenchmarkInput>;

function toBenchmark(row: Record<string, unknown>): Benchmark {
  return {
    id: String(row.id),
    origin: 'organization',
    version: null,
    metric: String(row.metric),
    segment: String(row.segment),
    low: row.low === null ? null : Number(row.low),
    high: row.high === null ? null : Number(row.high),
    label: String(row.source),
    source: { title: String(row.source), url: null, note: `added by ${String(row.created_by)}` },
  };
}

/** The shipped set and the organization's own, for one metric or all. */
export async function listBenchmarks(db: Db, orgId: string, metric?: string): Promise<Benchmark[]> {
  const rows = await sql<Record<string, unknown>>`
    select * from benchmark where org_id = ${orgId}::uuid ${metric ? sql`and metric = ${metric}` : sql``}
    order by metric, segment`.execute(db.kysely);
  return [...INDUSTRY_BENCHMARKS.filter((b) => !metric || b.metric === metric), ...rows.rows.map(toBenchmark)];
}

export async function addBenchmark(db: Db, orgId: string, actor: string, input: BenchmarkInput): Promise<Benchmark> {
  const parsed = ZBenchmarkInput.safeParse(input);
  if (!parsed.success)
    throw badRequest(
      'invalid-benchmark',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'benchmark'}: ${i.message}`).join('; '),
    );
  const b = parsed.data;
  if (!getMetric(b.metric))
    throw badRequest('unknown-metric', `metric: no catalog metric "${b.metric}"; see cxkpi metrics.`);
  const existing = await sql`select 1 from benchmark where org_id = ${orgId}::uuid and metric = ${b.metric}
    and segment = ${b.segment}`.execute(db.kysely);
  if (existing.rows.length)
    throw new AppError(
      409,
      'benchmark-exists',
      `A benchmark for ${b.metric}${b.segment ? ` (${b.segment})` : ''} exists; delete it first.`,
    );
  const row = await sql<Record<string, unknown>>`
    insert into benchmark (org_id, metric, segment, low, high, source, created_by)
    values (${orgId}::uuid, ${b.metric}, ${b.segment}, ${b.low}, ${b.high}, ${b.source}, ${actor})
    returning *`.execute(db.kysely);
  return toBenchmark(row.rows[0]!);
}

export async function deleteBenchmark(db: Db, orgId: string, id: string): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(id))
    throw badRequest(
      'invalid-benchmark',
      "Only an organization's own benchmarks (by id) can be deleted; the shipped set is fixed.",
    );
  const result =
    await sql`delete from benchmark where org_id = ${orgId}::uuid and id = ${id}::uuid returning id`.execute(db.kysely);
  if (!result.rows.length) throw notFound('benchmark-not-found', `No benchmark ${id} of this organization.`);
}
