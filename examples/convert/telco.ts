/**
 * IBM Telco Customer Churn -> customers.csv + subscriptions.csv.
 *
 *   node --import tsx examples/convert/telco.ts <Telco-Customer-Churn.csv> <output dir> --as-of YYYY-MM-DD
 *
 * IBM's sample is a snapshot without any date: `tenure` counts months up to the day it was
 * taken. `--as-of` is that day, stated by the user (it is required because the file cannot say);
 * every date below is computed from it, nothing else is assumed.
 * - customers: segment = Contract (the commitment a customer chose; churn differs most by it:
 *   43 % month-to-month, 11 % one year, 3 % two years), plan = InternetService (the product; `No` is written as the dataset's own label
 *   `No internet service`), demographics and billing as attributes.
 * - subscriptions: one per customer, id `<customerID>-sub`, plan = Contract, mrr = MonthlyCharges
 *   (USD; the current charge, the file has no history), started_at = as-of minus tenure months
 *   (tenure 0: the as-of day), ended_at = as-of day when Churn = Yes (IBM: "left within the last
 *   month"), empty otherwise. TotalCharges is kept as an attribute (blank for the tenure-0 rows).
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { CsvWriter } from './csv-writer.ts';
import { readArgs } from './read-args.ts';
import { Tally } from './tally.ts';

interface SourceRow {
  customerID: string;
  gender: string;
  SeniorCitizen: string;
  Partner: string;
  Dependents: string;
  tenure: string;
  InternetService: string;
  Contract: string;
  PaperlessBilling: string;
  PaymentMethod: string;
  MonthlyCharges: string;
  TotalCharges: string;
  Churn: string;
}

const usage = 'examples/convert/telco.ts <Telco-Customer-Churn.csv> <output dir> --as-of YYYY-MM-DD';
const { input, outDir, options } = readArgs(usage, ['as-of']);

const asOfMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(options['as-of']);
const asOf = asOfMatch
  ? new Date(Date.UTC(Number(asOfMatch[1]), Number(asOfMatch[2]) - 1, Number(asOfMatch[3])))
  : undefined;
if (!asOf || asOf.toISOString().slice(0, 10) !== options['as-of']) {
  console.error(`--as-of ${options['as-of']} is not a date such as 2018-03-31\nusage: node --import tsx ${usage}`);
  process.exit(2);
}

/** The as-of day minus whole months, clamped to the month's last day (31 Mar - 1 month = 28/29 Feb). */
function monthsBefore(day: Date, months: number): string {
  const target = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() - months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day.getUTCDate(), lastDay));
  return target.toISOString().slice(0, 10);
}

const YES_NO: Record<string, boolean> = { Yes: true, No: false, '1': true, '0': false };
const yesNo = (raw: string) => YES_NO[raw.trim()];
const DECIMAL = /^\d+(\.\d+)?$/;

const customers = new CsvWriter(join(outDir, 'customers.csv'), [
  'id',
  'segment',
  'plan',
  'attributes.gender',
  'attributes.senior_citizen',
  'attributes.partner',
  'attributes.dependents',
  'attributes.payment_method',
  'attributes.paperless_billing',
]);
const subscriptions = new CsvWriter(join(outDir, 'subscriptions.csv'), [
  'id',
  'customer_id',
  'plan',
  'mrr',
  'currency',
  'started_at',
  'ended_at',
  'attributes.total_charges',
]);
const skipped = new Tally();
let rows = 0;
let churned = 0;
let tenureZero = 0;

const parser = createReadStream(input).pipe(parse({ columns: true, bom: true }));
for await (const row of parser as AsyncIterable<SourceRow>) {
  rows++;
  const id = row.customerID.trim();
  const tenure = row.tenure.trim();
  const monthly = row.MonthlyCharges.trim();
  const churn = yesNo(row.Churn);
  if (!id) skipped.add('no customerID');
  else if (!/^\d+$/.test(tenure)) skipped.add('tenure is not a whole number of months');
  else if (!DECIMAL.test(monthly)) skipped.add('MonthlyCharges is not a number');
  else if (churn === undefined) skipped.add('Churn is not Yes or No');
  else {
    await customers.write({
      id,
      segment: row.Contract.trim(),
      plan: row.InternetService.trim() === 'No' ? 'No internet service' : row.InternetService.trim(),
      'attributes.gender': row.gender.trim(),
      'attributes.senior_citizen': yesNo(row.SeniorCitizen),
      'attributes.partner': yesNo(row.Partner),
      'attributes.dependents': yesNo(row.Dependents),
      'attributes.payment_method': row.PaymentMethod.trim(),
      'attributes.paperless_billing': yesNo(row.PaperlessBilling),
    });
    await subscriptions.write({
      id: `${id}-sub`,
      customer_id: id,
      plan: row.Contract.trim(),
      mrr: monthly,
      currency: 'USD',
      started_at: monthsBefore(asOf, Number(tenure)),
      ended_at: churn ? options['as-of'] : undefined,
      // Blank (a single space in the source) on the tenure-0 rows: nothing billed yet.
      'attributes.total_charges': DECIMAL.test(row.TotalCharges.trim()) ? row.TotalCharges.trim() : undefined,
    });
    if (churn) churned++;
    if (tenure === '0') tenureZero++;
  }
}
await customers.close();
await subscriptions.close();

console.log(`read ${rows} rows, as of ${options['as-of']}`);
console.log(`wrote ${customers.written} customers -> ${customers.path}`);
console.log(`wrote ${subscriptions.written} subscriptions -> ${subscriptions.path}`);
console.log(`  ${churned} ended on ${options['as-of']} (Churn = Yes), ${subscriptions.written - churned} active`);
console.log(`  ${tenureZero} with tenure 0 start on ${options['as-of']} (no TotalCharges yet)`);
skipped.print('skipped rows');
