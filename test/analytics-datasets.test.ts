import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { computeCohorts, fitClvModel, type CohortResult } from '../src/analytics/index.ts';
import { importRecords } from '../src/ingest/index.ts';
import { queryMetrics } from '../src/metrics/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// Public datasets of ../shared/datasets (SOURCES.md): CDNOW for the CLV model, IBM Telco and UCI
// Online Retail for cohorts. Each expectation is computed here from the source file itself,
// independently of the engine's SQL.
const root = path.resolve(import.meta.dirname, '..');
const datasets: string = (() => {
  const candidates = [
    process.env.CXKPI_DATASETS_DIR,
    path.resolve(root, '../shared/datasets'),
    '/work/shared/datasets',
  ];
  const found = candidates.find((dir) => dir && fs.existsSync(path.join(dir, 'SOURCES.md')));
  if (!found) throw new Error('The public datasets (../shared/datasets) are missing; set CXKPI_DATASETS_DIR.');
  return found;
})();
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-analytics-'));
after(() => fs.rmSync(out, { recursive: true, force: true }));
function convert(script: string, input: string, ...extra: string[]): string {
  const dir = path.join(out, script);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'examples/convert', `${script}.ts`), path.join(datasets, input), dir, ...extra],
    { cwd: root, encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
  return dir;
}

/** The 2,357-customer CDNOW sample: id_total, id_sample, date YYYYMMDD, CDs, dollars. */
const cdnow = fs
  .readFileSync(path.join(datasets, 'lifetimes_cdnow/CDNOW_sample.txt'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => line.trim().split(/\s+/));
const summary = new Map(
  fs
    .readFileSync(path.join(datasets, 'lifetimes_cdnow/cdnow_customers_summary_with_transactions.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .map(([id, x, tx, T, zbar]) => [id!, { x: Number(x), tx: Number(tx), T: Number(T), zbar: Number(zbar) }]),
);

/** Month arithmetic on YYYY-MM. */
const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthName = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

function cellsOf(result: CohortResult) {
  const cells = new Map<string, { n: number; retained: number; value: number | null; revenue: number }>();
  for (const c of result.cohorts)
    for (const cell of c.cells) cells.set(`${c.cohort}|${cell.months_since}`, { ...cell });
  return cells;
}

for (const variant of variants) {
  describe(`customer analytics on public data (${variant.name})`, () => {
    test('CLV model over CDNOW orders: the published summaries, parameters and values', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'UTC', currency: 'USD' });
      await importRecords(db, org, 'orders', {
        objects: cdnow.map(([, id, date, , dollars], i) => ({
          id: `o${i}`,
          customer_id: String(Number(id)),
          ordered_at: `${date!.slice(0, 4)}-${date!.slice(4, 6)}-${date!.slice(6, 8)}T12:00:00Z`,
          amount: dollars,
          currency: 'USD',
        })),
      });
      // Calibration: the first 39 weeks, 1997-01-01 to 1997-09-30 as in Fader, Hardie & Lee (2005).
      const fit = await fitClvModel(db, org, { from: '1997-01-01', to: '1997-10-01', customers: 100_000 });
      assert.equal(fit.customers.length, 2357);
      let mismatches = 0;
      for (const c of fit.customers) {
        const published = summary.get(c.customer_id)!;
        if (c.x !== published.x || Math.abs(c.t_x - published.tx) > 0.006 || Math.abs(c.T - published.T) > 0.006)
          mismatches++;
        if (c.x > 0) assert.ok(Math.abs(c.monetary! - published.zbar) < 0.006, `zbar of ${c.customer_id}`);
      }
      assert.equal(mismatches, 0);
      const all = fit.models[0]!;
      assert.equal(all.customers, 2357);
      assert.equal(all.repeat_customers, 946);
      for (const [key, value] of Object.entries({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }))
        assert.ok(Math.abs(all[key as 'r']! - value) < 0.005, `${key}: ${all[key as 'r']}`);
      for (const [key, value] of Object.entries({ p: 6.25, q: 3.74, v: 15.44 }))
        assert.ok(Math.abs(all[key as 'p']! - value) < 0.015, `${key}: ${all[key as 'p']}`);
      // Customer 1 (x 2, t_x 30.43, T 38.86): 1.226 purchases in the next 39 weeks; its value 24.65.
      const one = await fitClvModel(db, org, {
        from: '1997-01-01',
        to: '1997-10-01',
        horizon_weeks: 39,
        customers: 100_000,
      });
      const c1 = one.customers.find((c) => c.customer_id === '1')!;
      assert.ok(Math.abs(c1.expected_purchases! - 1.226) < 0.002, `E[Y(39)] ${c1.expected_purchases}`);
      assert.ok(Math.abs(c1.expected_average_value! - 24.65) < 0.1, `E[M] ${c1.expected_average_value}`);
      assert.ok(Math.abs(c1.expected_value! - c1.expected_purchases! * c1.expected_average_value!) < 1e-9);
      assert.ok(c1.p_alive! > 0 && c1.p_alive! < 1);
      // The catalog variant: clv with method model is the mean expected value of the same fit.
      const catalog = await queryMetrics(db, org, {
        metrics: ['clv'],
        from: '1997-01-01',
        to: '1997-10-01',
        grain: 'all',
        options: { clv: { method: 'model', horizon_weeks: 39, gross_margin: 0.5 } },
      });
      assert.equal(catalog.rows.length, 1);
      assert.equal(catalog.rows[0]!.n, 2357);
      assert.ok(Math.abs(catalog.rows[0]!.value! - 0.5 * one.models[0]!.mean_expected_value!) < 1e-9);
      await assert.rejects(
        queryMetrics(db, org, {
          metrics: ['clv'],
          from: '1997-01-01',
          to: '1997-10-01',
          by: ['customer.country'],
          options: { clv: { method: 'model' } },
        }),
        /groups only by customer.segment/,
      );
    });

    test('Telco: every cell of customer and revenue retention by signup month', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'UTC', currency: 'USD' });
      const dir = convert('telco', 'telco_churn/Telco-Customer-Churn.csv', '--as-of', '2018-03-31');
      for (const entity of ['customers', 'subscriptions'] as const)
        await importRecords(db, org, entity, { bytes: fs.createReadStream(path.join(dir, `${entity}.csv`)) });
      // Independently: started = 2018-03 minus tenure months; churned customers end on 2018-03-31,
      // so at the end of month m they are still active when m <= 2018-02.
      const rows = parse(fs.readFileSync(path.join(datasets, 'telco_churn/Telco-Customer-Churn.csv')), {
        columns: true,
        bom: true,
      }) as Array<{ tenure: string; Churn: string; MonthlyCharges: string }>;
      const asOf = monthIndex('2018-03');
      const expected = new Map<string, { n: number; retained: number; mrr: number; kept: number }>();
      const base = new Map<number, { n: number; mrr: number }>();
      for (const r of rows) {
        const cohort = asOf - Number(r.tenure);
        const b = base.get(cohort) ?? { n: 0, mrr: 0 };
        b.n++;
        b.mrr += Number(r.MonthlyCharges);
        base.set(cohort, b);
      }
      for (const r of rows) {
        const cohort = asOf - Number(r.tenure);
        for (let m = cohort; m <= asOf; m++) {
          const key = `${monthName(cohort)}|${m - cohort}`;
          const cell = expected.get(key) ?? {
            n: base.get(cohort)!.n,
            retained: 0,
            mrr: base.get(cohort)!.mrr,
            kept: 0,
          };
          if (r.Churn === 'No' || m <= asOf - 1) {
            cell.retained++;
            cell.kept += Number(r.MonthlyCharges);
          }
          expected.set(key, cell);
        }
      }
      const customers = cellsOf(
        await computeCohorts(db, org, { metric: 'customer_retention', from: '2012-01-01', to: '2018-04-01' }),
      );
      const revenue = cellsOf(
        await computeCohorts(db, org, { metric: 'revenue_retention', from: '2012-01-01', to: '2018-04-01' }),
      );
      assert.equal(customers.size, expected.size);
      for (const [key, want] of expected) {
        const got = customers.get(key);
        assert.ok(got, `cell ${key} missing`);
        assert.deepEqual([got.n, got.retained], [want.n, want.retained], `cell ${key}`);
        assert.ok(Math.abs(got.value! - want.retained / want.n) < 1e-12, `value ${key}`);
        const r = revenue.get(key)!;
        assert.ok(
          Math.abs(r.value! - want.kept / want.mrr) < 1e-9,
          `revenue ${key}: ${r.value} vs ${want.kept / want.mrr}`,
        );
      }
      // Month-to-month contracts lose more of their last cohort than two-year ones.
      const byPlan = await computeCohorts(db, org, {
        metric: 'customer_retention',
        from: '2018-01-01',
        to: '2018-04-01',
        by: 'segment',
      });
      const last = (group: string) =>
        byPlan.cohorts.find((c) => c.cohort === '2018-01' && c.group === group)?.cells.at(-1)?.value;
      assert.ok((last('Month-to-month') ?? 1) < (last('Two year') ?? 1));
    });

    test('Online Retail: every cell of first-order cohorts, customers and revenue', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'Europe/London', currency: 'GBP' });
      const dir = convert('online-retail', 'online_retail_uci/online_retail_by_day_concat.csv');
      for (const entity of ['customers', 'orders'] as const)
        await importRecords(db, org, entity, { bytes: fs.createReadStream(path.join(dir, `${entity}.csv`)) });
      // Independently from the source lines: an invoice is a purchase of its one CustomerID in the
      // month of its (London) InvoiceDate, unless it is a cancellation (C...); amount in pence.
      const lines = parse(fs.readFileSync(path.join(datasets, 'online_retail_uci/online_retail_by_day_concat.csv')), {
        columns: true,
        bom: true,
      }) as Array<{ InvoiceNo: string; Quantity: string; InvoiceDate: string; UnitPrice: string; CustomerID: string }>;
      const invoices = new Map<string, { customers: Set<string>; month: string; milli: number }>();
      for (const l of lines) {
        const inv = invoices.get(l.InvoiceNo) ?? { customers: new Set(), month: l.InvoiceDate.slice(0, 7), milli: 0 };
        if (l.InvoiceDate.slice(0, 7) < inv.month) inv.month = l.InvoiceDate.slice(0, 7);
        if (l.CustomerID.trim()) inv.customers.add(String(Number(l.CustomerID)));
        inv.milli += Number(l.Quantity) * Math.round(Number(l.UnitPrice) * 1000);
        invoices.set(l.InvoiceNo, inv);
      }
      const activity = new Map<string, Map<number, number>>();
      for (const [no, inv] of invoices) {
        if (no.startsWith('C') || inv.customers.size !== 1) continue;
        const customer = [...inv.customers][0]!;
        const pence = Math.sign(inv.milli) * Math.floor((Math.abs(inv.milli) + 5) / 10);
        const months = activity.get(customer) ?? new Map<number, number>();
        months.set(monthIndex(inv.month), (months.get(monthIndex(inv.month)) ?? 0) + pence);
        activity.set(customer, months);
      }
      const expected = new Map<string, { n: number; retained: number; revenue: number; base: number }>();
      const last = monthIndex('2011-12');
      const cohorts = new Map<number, { n: number; base: number }>();
      for (const months of activity.values()) {
        const first = Math.min(...months.keys());
        const c = cohorts.get(first) ?? { n: 0, base: 0 };
        c.n++;
        c.base += months.get(first)!;
        cohorts.set(first, c);
      }
      for (const [first, c] of cohorts)
        for (let m = first; m <= last; m++)
          expected.set(`${monthName(first)}|${m - first}`, { n: c.n, retained: 0, revenue: 0, base: c.base });
      for (const months of activity.values()) {
        const first = Math.min(...months.keys());
        for (const [m, pence] of months) {
          const cell = expected.get(`${monthName(first)}|${m - first}`)!;
          cell.retained++;
          cell.revenue += pence;
        }
      }
      const customers = cellsOf(
        await computeCohorts(db, org, { metric: 'customer_retention', from: '2010-12-01', to: '2012-01-01' }),
      );
      const revenue = cellsOf(
        await computeCohorts(db, org, { metric: 'revenue_retention', from: '2010-12-01', to: '2012-01-01' }),
      );
      assert.equal(customers.size, expected.size);
      assert.equal(expected.size, (13 * 14) / 2);
      for (const [key, want] of expected) {
        const got = customers.get(key)!;
        assert.deepEqual([got.n, got.retained], [want.n, want.retained], `cell ${key}`);
        assert.ok(
          Math.abs(revenue.get(key)!.revenue - want.revenue / 100) < 0.005 * want.retained + 1e-6,
          `revenue ${key}`,
        );
        assert.ok(Math.abs(revenue.get(key)!.value! - want.revenue / want.base) < 1e-9, `revenue retention ${key}`);
      }
      assert.equal(customers.get('2010-12|0')!.value, 1);
    });
  });
}
