/**
 * UCI Online Retail (Databricks by-day re-serialisation) -> orders.csv + customers.csv.
 *
 *   node --import tsx examples/convert/online-retail.ts <online_retail_by_day_concat.csv> <output dir>
 *
 * One order per invoice: the file has one line per invoice line, and an invoice's lines are not
 * always contiguous, so invoices are aggregated in a Map (about 26k entries) before writing.
 * - amount: sum of Quantity * UnitPrice, computed exactly in thousandths of a pound (prices have
 *   up to 3 decimals), then rounded half away from zero to pence.
 * - cancellation invoices (`C…`, negative quantities): the absolute amount with status `refunded`.
 * - ordered_at: the earliest InvoiceDate of the invoice (a few invoices span two minutes). The
 *   source has no offset and the shop is in the UK: import into an organization whose time zone
 *   is Europe/London.
 * - invoices without a CustomerID cannot become orders (customer_id is required): skipped.
 * - customers: id and country only. The data has no sign-up date (the first invoice is not one).
 *   A customer seen in several countries gets the country of their latest invoice.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { CsvWriter } from './csv-writer.ts';
import { readArgs } from './read-args.ts';
import { Tally } from './tally.ts';

interface SourceLine {
  InvoiceNo: string;
  Quantity: string;
  InvoiceDate: string;
  UnitPrice: string;
  CustomerID: string;
  Country: string;
}

interface Invoice {
  customerIds: Set<string>;
  country: string;
  orderedAt: string;
  /** Sum of Quantity * UnitPrice in thousandths of a pound (exact integers). */
  milli: number;
  unreadable: boolean;
}

const { input, outDir } = readArgs('examples/convert/online-retail.ts <online_retail_by_day_concat.csv> <output dir>');

/** `17850.0` -> `17850`: the float text of the re-serialised file, made a stable id again. */
function customerId(raw: string): string {
  return raw.trim().replace(/\.0+$/, '');
}

/** A decimal with at most 3 fraction digits as an integer number of thousandths, or undefined. */
function toMilli(raw: string): number | undefined {
  const match = /^(-?)(\d+)(?:\.(\d{1,3}))?$/.exec(raw.trim());
  if (!match) return undefined;
  const value = Number(match[2]) * 1000 + Number((match[3] ?? '').padEnd(3, '0'));
  return match[1] ? -value : value;
}

/** Thousandths -> pence, half away from zero, as a plain decimal string such as `-12.50`. */
function milliToPounds(milli: number): string {
  const pence = Math.floor((Math.abs(milli) + 5) / 10);
  const text = `${Math.floor(pence / 100)}.${String(pence % 100).padStart(2, '0')}`;
  return milli < 0 && pence > 0 ? `-${text}` : text;
}

const invoices = new Map<string, Invoice>();
let lines = 0;
let linesWithoutCustomer = 0;
const spanningInvoices = new Set<string>();

const parser = createReadStream(input).pipe(parse({ columns: true, bom: true }));
for await (const line of parser as AsyncIterable<SourceLine>) {
  lines++;
  const orderedAt = line.InvoiceDate.trim().replace(' ', 'T');
  const quantity = /^-?\d+$/.test(line.Quantity.trim()) ? Number(line.Quantity) : undefined;
  const price = toMilli(line.UnitPrice);
  const id = customerId(line.CustomerID);
  if (!id) linesWithoutCustomer++;

  let invoice = invoices.get(line.InvoiceNo);
  if (!invoice) {
    invoice = { customerIds: new Set(), country: line.Country, orderedAt, milli: 0, unreadable: false };
    invoices.set(line.InvoiceNo, invoice);
  } else if (orderedAt !== invoice.orderedAt) {
    if (orderedAt < invoice.orderedAt) invoice.orderedAt = orderedAt;
    spanningInvoices.add(line.InvoiceNo);
  }
  if (id) invoice.customerIds.add(id);
  if (quantity === undefined || price === undefined) invoice.unreadable = true;
  else invoice.milli += quantity * price;
}

const orders = new CsvWriter(join(outDir, 'orders.csv'), [
  'id',
  'customer_id',
  'amount',
  'currency',
  'ordered_at',
  'status',
  'attributes.country',
]);
const skipped = new Tally();
const statuses = new Tally();
const customers = new Map<string, { country: string; latestAt: string; countries: Set<string> }>();

for (const [id, invoice] of invoices) {
  const [customer, ...others] = invoice.customerIds;
  if (!customer) {
    skipped.add('invoice has no CustomerID (customer_id is required)');
    continue;
  }
  if (others.length) {
    skipped.add('invoice lines name more than one CustomerID');
    continue;
  }
  if (invoice.unreadable) {
    skipped.add('a line has an unreadable Quantity or UnitPrice');
    continue;
  }
  const cancellation = id.startsWith('C');
  const status = cancellation ? 'refunded' : 'completed';
  statuses.add(status);
  await orders.write({
    id,
    customer_id: customer,
    amount: milliToPounds(cancellation ? Math.abs(invoice.milli) : invoice.milli),
    currency: 'GBP',
    ordered_at: invoice.orderedAt,
    status,
    'attributes.country': invoice.country,
  });

  const known = customers.get(customer);
  if (!known)
    customers.set(customer, {
      country: invoice.country,
      latestAt: invoice.orderedAt,
      countries: new Set([invoice.country]),
    });
  else {
    known.countries.add(invoice.country);
    if (invoice.orderedAt >= known.latestAt)
      Object.assign(known, { country: invoice.country, latestAt: invoice.orderedAt });
  }
}
await orders.close();

const customerFile = new CsvWriter(join(outDir, 'customers.csv'), ['id', 'country']);
let multiCountry = 0;
for (const [id, customer] of customers) {
  if (customer.countries.size > 1) multiCountry++;
  await customerFile.write({ id, country: customer.country });
}
await customerFile.close();

console.log(`read ${lines} lines, ${invoices.size} invoices (${linesWithoutCustomer} lines without CustomerID)`);
console.log(`wrote ${orders.written} orders -> ${orders.path}`);
statuses.print('  by status');
console.log(
  `wrote ${customerFile.written} customers -> ${customerFile.path} (${multiCountry} seen in more than one country: latest kept)`,
);
skipped.print('skipped invoices');
console.log(
  `note: ${spanningInvoices.size} invoices have lines with different InvoiceDates; ordered_at is the earliest`,
);
