import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { Db } from '../src/db/connect.ts';
import { importRecords, type ImportOptions } from '../src/ingest/index.ts';
import { getPreset } from '../src/ingest/presets.ts';
import { queryMetrics, type MetricRow } from '../src/metrics/index.ts';
import type { Organization } from '../src/orgs/index.ts';
import { localToUtcMs } from '../src/calendar/zoned-time.ts';
import { parse } from 'csv-parse/sync';
import { createTestOrg, variants } from './helpers/databases.ts';

// The public datasets of ../shared/datasets, converted by the scripts in examples/convert and
// imported as examples/README.md shows; counts are what the files hold (see SOURCES.md).
const root = path.resolve(import.meta.dirname, '..');
// Beside the project (../shared), or where CXKPI_DATASETS_DIR points; a clone elsewhere on this
// machine finds the workspace copy.
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
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-datasets-'));
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

const converted = {
  retail: convert('online-retail', 'online_retail_uci/online_retail_by_day_concat.csv'),
  telco: convert('telco', 'telco_churn/Telco-Customer-Churn.csv', '--as-of', '2018-03-31'),
  twcs: convert('twcs', 'twcs_sample/twcs_head_sample.csv'),
  itsm: convert('itsm', 'itsm_incident_event_log_sample/incident_event_log_head5998.csv'),
  olist: convert('olist-orders', 'olist_subset/olist_orders_dataset.csv'),
  alexa: convert('alexa-reviews', 'en_amazon_alexa_reviews/amazon_alexa.tsv'),
};

/**
 * Imports a file twice; the second import inserts nothing and changes nothing, except that a record
 * whose id comes again later in the file (in another batch) is written twice each time: the
 * earlier version, then the later one again (`repeatedIds` of them).
 */
async function load(
  db: Db,
  org: Organization,
  entity: string,
  file: string,
  options: ImportOptions = {},
  repeatedIds = 0,
) {
  const summary = await importRecords(db, org, entity, { bytes: fs.createReadStream(file) }, options);
  const again = await importRecords(db, org, entity, { bytes: fs.createReadStream(file) }, options);
  assert.deepEqual(
    [again.inserted, again.updated, again.rejected],
    [0, repeatedIds, summary.rejected],
    `${file}: second import`,
  );
  assert.equal(again.unchanged + again.updated, summary.inserted + summary.updated + summary.unchanged);
  return summary;
}

for (const variant of variants) {
  describe(`public datasets on ${variant.name}`, () => {
    test('UCI Online Retail: invoices become orders in GBP, amounts exact', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'Europe/London', currency: 'GBP' });
      assert.equal((await load(db, org, 'customers', path.join(converted.retail, 'customers.csv'))).inserted, 4372);
      const orders = await load(db, org, 'orders', path.join(converted.retail, 'orders.csv'));
      assert.deepEqual([orders.inserted, orders.rejected], [22190, 0]);
      // Customer 12347: the sum of Quantity x UnitPrice over its lines in the raw file.
      let expected = 0;
      for (const line of fs
        .readFileSync(path.join(datasets, 'online_retail_uci/online_retail_by_day_concat.csv'), 'utf8')
        .split('\n')) {
        const cells = line.split(',');
        if (cells.at(-2) === '12347.0') expected += Number(cells.at(-5)) * Number(cells.at(-3));
      }
      const stored = await db.kysely
        .selectFrom('customer_order')
        .select((eb) => eb.fn.sum<number>('amount_reporting').as('total'))
        .where('org_id', '=', org.id)
        .where('customer_id', '=', '12347')
        .executeTakeFirstOrThrow();
      assert.ok(Math.abs(Number(stored.total) - expected) < 0.005, `${stored.total} vs ${expected}`);

      // Order metrics per month against the raw invoice lines: an order is an invoice with a
      // customer that is not a cancellation (C...); the file's times are UK local time.
      const invoices = new Map<string, { customer: string; at: string }>();
      const raw = parse(fs.readFileSync(path.join(datasets, 'online_retail_uci/online_retail_by_day_concat.csv')), {
        columns: true,
      }) as Array<Record<string, string>>;
      for (const line of raw) {
        const customer = line.CustomerID!.replace(/\.0$/, '');
        if (!customer || line.InvoiceNo!.startsWith('C')) continue;
        const at = line.InvoiceDate!.replace(' ', 'T');
        const known = invoices.get(line.InvoiceNo!);
        if (!known || at < known.at) invoices.set(line.InvoiceNo!, { customer, at });
      }
      const result = await queryMetrics(db, org, {
        metrics: ['repeat_purchase_rate', 'purchase_frequency', 'active_customers', 'customer_churn_rate'],
        from: '2011-01-01',
        to: '2011-12-01',
        grain: 'month',
      });
      const row = (metric: string, period: string) =>
        result.rows.find((r) => r.metric === metric && r.period === period)!;
      const londonMs = (local: string) => {
        const [date, time = '00:00'] = local.split('T') as [string, string?];
        const [y, m, d] = date.split('-').map(Number) as [number, number, number];
        const [hh, mm] = time.split(':').map(Number) as [number, number];
        return localToUtcMs('Europe/London', y, m, d) + (hh * 60 + mm) * 60_000;
      };
      const windowMs = 365 * 86_400_000;
      for (const period of ['2011-03-01', '2011-07-01', '2011-11-01']) {
        const next = `2011-${String(Number(period.slice(5, 7)) + 1).padStart(2, '0')}-01`;
        const perCustomer = new Map<string, number>();
        for (const invoice of invoices.values())
          if (invoice.at >= period && invoice.at < next)
            perCustomer.set(invoice.customer, (perCustomer.get(invoice.customer) ?? 0) + 1);
        const counts = [...perCustomer.values()];
        const repeat = row('repeat_purchase_rate', period);
        assert.equal(repeat.n, counts.length, period);
        assert.ok(Math.abs(repeat.value! - counts.filter((c) => c >= 2).length / counts.length) < 1e-12);
        const frequency = row('purchase_frequency', period).value!;
        assert.ok(Math.abs(frequency - counts.reduce((a, b) => a + b, 0) / counts.length) < 1e-12);
        // Active: an order within 365 days before the instant; churned: active at the start, not at the end.
        const start = londonMs(period);
        const end = londonMs(next);
        const activeAt = (t: number) => {
          const active = new Set<string>();
          for (const invoice of invoices.values()) {
            const at = londonMs(invoice.at);
            if (at <= t && at + windowMs > t) active.add(invoice.customer);
          }
          return active;
        };
        const atStart = activeAt(start);
        const atEnd = activeAt(end);
        const churned = [...atStart].filter((c) => !atEnd.has(c)).length;
        assert.equal(row('active_customers', period).value, atEnd.size, period);
        assert.equal(row('customer_churn_rate', period).n, atStart.size, period);
        assert.ok(Math.abs(row('customer_churn_rate', period).value! - churned / atStart.size) < 1e-12, period);
      }
    });

    test('Telco: 7,043 subscriptions, 1,869 of them ended', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db, { currency: 'USD' });
      await load(db, org, 'customers', path.join(converted.telco, 'customers.csv'));
      assert.equal(
        (await load(db, org, 'subscriptions', path.join(converted.telco, 'subscriptions.csv'))).inserted,
        7043,
      );
      const ended = await db.kysely
        .selectFrom('subscription')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', org.id)
        .where('ended_at', 'is not', null)
        .executeTakeFirstOrThrow();
      assert.equal(Number(ended.n), 1869);

      // March 2018 (the snapshot's month) against the raw file: customers with tenure >= 1 month
      // were active on 1 March; Churn = Yes left on the 31st. Churn by Contract, MRR, NRR.
      const raw = parse(fs.readFileSync(path.join(datasets, 'telco_churn/Telco-Customer-Churn.csv')), {
        columns: true,
      }) as Array<Record<string, string>>;
      const result = await queryMetrics(db, org, {
        metrics: ['customer_churn_rate', 'mrr', 'net_revenue_retention', 'gross_revenue_retention', 'new_customers'],
        from: '2018-03-01',
        to: '2018-04-01',
      });
      const row = (metric: string) => result.rows.find((r: MetricRow) => r.metric === metric)!;
      const atStart = raw.filter((r) => Number(r.tenure) >= 1);
      const left = atStart.filter((r) => r.Churn === 'Yes');
      assert.equal(row('customer_churn_rate').n, atStart.length);
      assert.ok(Math.abs(row('customer_churn_rate').value! - left.length / atStart.length) < 1e-12);
      assert.equal(row('new_customers').value, raw.length - atStart.length);
      const charges = (rows: Array<Record<string, string>>) =>
        rows.reduce((sum, r) => sum + Number(r.MonthlyCharges), 0);
      const stayed = raw.filter((r) => r.Churn === 'No');
      assert.ok(Math.abs(row('mrr').value! - charges(stayed)) < 1e-6);
      const kept = charges(atStart.filter((r) => r.Churn === 'No')) / charges(atStart);
      assert.ok(Math.abs(row('net_revenue_retention').value! - kept) < 1e-9);
      assert.ok(Math.abs(row('gross_revenue_retention').value! - kept) < 1e-9);
      const byContract = await queryMetrics(db, org, {
        metrics: ['customer_churn_rate'],
        from: '2018-03-01',
        to: '2018-04-01',
        by: ['segment'],
      });
      for (const contract of ['Month-to-month', 'One year', 'Two year']) {
        const group = atStart.filter((r) => r.Contract === contract);
        const found = byContract.rows.find((r) => r.group.segment === contract)!;
        assert.equal(found.n, group.length, contract);
        assert.ok(Math.abs(found.value! - group.filter((r) => r.Churn === 'Yes').length / group.length) < 1e-12);
      }

      // Revenue and ARPU by contract, both spellings of the dimension. March 2018 from the raw file:
      // tenure >= 1 started before March; Churn = Yes ended on 31 March 00:00 (30 of 31 days paid);
      // tenure 0 started on 31 March (1 day). Active at the start: tenure >= 1; at the end: Churn = No.
      const march = (r: Record<string, string>) =>
        Number(r.MonthlyCharges) *
        (Number(r.tenure) >= 1 ? (r.Churn === 'Yes' ? 30 / 31 : 1) : r.Churn === 'Yes' ? 0 : 1 / 31);
      for (const dimension of ['segment', 'customer.segment']) {
        const money = await queryMetrics(db, org, {
          metrics: ['revenue', 'arpu', 'subscription_revenue'],
          from: '2018-03-01',
          to: '2018-04-01',
          by: [dimension],
        });
        for (const contract of ['Month-to-month', 'One year', 'Two year']) {
          const group = raw.filter((r) => r.Contract === contract);
          const revenue = group.reduce((sum, r) => sum + march(r), 0);
          const average =
            (group.filter((r) => Number(r.tenure) >= 1).length + group.filter((r) => r.Churn === 'No').length) / 2;
          const found = (metric: string) =>
            money.rows.find((r) => r.metric === metric && r.group[dimension] === contract)!;
          assert.ok(Math.abs(found('revenue').value! - revenue) < 1e-9 * revenue, `${dimension} ${contract} revenue`);
          assert.ok(Math.abs(found('subscription_revenue').value! - revenue) < 1e-9 * revenue);
          assert.ok(Math.abs(found('arpu').value! - revenue / average) < 1e-9, `${dimension} ${contract} arpu`);
        }
      }
    });

    test('Twitter support sample and ServiceNow log become tickets', async () => {
      const db = await variant.db();
      const twcs = await createTestOrg(db);
      await load(db, twcs, 'teams', path.join(converted.twcs, 'teams.csv'));
      const tweets = await load(db, twcs, 'tickets', path.join(converted.twcs, 'tickets.csv'));
      assert.deepEqual([tweets.inserted, tweets.rejected], [1285, 0]);
      const itsm = await createTestOrg(db);
      await load(db, itsm, 'teams', path.join(converted.itsm, 'teams.csv'));
      await load(db, itsm, 'agents', path.join(converted.itsm, 'agents.csv'));
      const incidents = await load(db, itsm, 'tickets', path.join(converted.itsm, 'tickets.csv'));
      assert.deepEqual([incidents.inserted, incidents.rejected], [890, 0]);
    });

    test('Olist orders and reviews (preset), Alexa reviews', async () => {
      const db = await variant.db();
      const olist = await createTestOrg(db, { timezone: 'America/Sao_Paulo', currency: 'BRL' });
      await load(db, olist, 'customers', path.join(converted.olist, 'customers.csv'));
      assert.equal((await load(db, olist, 'orders', path.join(converted.olist, 'orders.csv'))).inserted, 178);
      const preset = getPreset('olist-reviews')!;
      const reviews = await load(
        db,
        olist,
        'reviews',
        path.join(datasets, 'olist_subset/olist_order_reviews_dataset.csv'),
        { map: preset.map, set: preset.set! },
        2,
      );
      // 6,123 rows, 6,121 distinct ids: a repeated id keeps the last record.
      assert.deepEqual([reviews.records, reviews.rejected], [6123, 0]);
      const stored = await db.kysely
        .selectFrom('review')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('org_id', '=', olist.id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(stored.n), 6121);
      const alexa = await createTestOrg(db);
      assert.equal((await load(db, alexa, 'reviews', path.join(converted.alexa, 'reviews.csv'))).inserted, 5150);
    });

    test('Kaggle tickets have no creation time: every row rejected, nothing stored', async () => {
      const db = await variant.db();
      const org = await createTestOrg(db);
      const map: Record<string, string> = {
        'Ticket ID': 'id',
        'Customer Email': 'customer_id',
        'Customer Name': '-',
        'Customer Age': 'attributes.customer_age',
        'Customer Gender': 'attributes.customer_gender',
        'Product Purchased': 'attributes.product',
        'Date of Purchase': 'attributes.purchased_on',
        'Ticket Type': 'tags',
        'Ticket Subject': 'subject',
        'Ticket Description': '-',
        'Ticket Status': 'attributes.ticket_status',
        Resolution: '-',
        'Ticket Priority': 'attributes.priority',
        'Ticket Channel': 'attributes.channel',
        'First Response Time': 'first_response_at',
        'Time to Resolution': 'resolved_at',
        'Customer Satisfaction Rating': 'attributes.csat',
      };
      const file = path.join(datasets, 'support_tickets_kaggle/customer_support_tickets.csv');
      const summary = await importRecords(db, org, 'tickets', { bytes: fs.createReadStream(file) }, { map });
      assert.deepEqual(
        [summary.status, summary.records, summary.rejected, summary.inserted],
        ['rejected', 8469, 8469, 0],
      );
      assert.ok(summary.errors.every((e) => e.field === 'created_at' && e.reason === 'is required'));
    });
  });
}
