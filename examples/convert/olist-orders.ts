/**
 * Olist Brazilian e-commerce -> orders.csv + customers.csv.
 *
 *   node --import tsx examples/convert/olist-orders.ts <dir>/olist_orders_dataset.csv <output dir>
 *
 * Reads olist_order_payments_dataset.csv and olist_customers_dataset.csv from the same directory.
 * - orders: amount = sum of payment_value of the order (BRL, exact in centavos; vouchers count as
 *   payment). An order without payments has no amount and is skipped: in the subset the tables
 *   come from different parts of the full data and barely join. ordered_at =
 *   order_purchase_timestamp (Brazilian local time without an offset: use an organization in
 *   America/Sao_Paulo). Status: canceled and unavailable (never fulfilled) -> cancelled; created,
 *   approved, invoiced, processing, shipped and delivered -> completed (placed and not cancelled);
 *   the original status is kept in attributes.order_status.
 * - customers: every row of olist_customers_dataset.csv, id = customer_id (the id orders refer to;
 *   Olist issues one per order, the person is customer_unique_id, kept as an attribute), with city,
 *   state and zip prefix as attributes. The file has no country column, so none is written.
 * Memory: one number per order with payments (about 100k in the full data set).
 */
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse';
import { CsvWriter } from './csv-writer.ts';
import { readArgs } from './read-args.ts';
import { Tally } from './tally.ts';

interface OrderRow {
  order_id: string;
  customer_id: string;
  order_status: string;
  order_purchase_timestamp: string;
}
interface PaymentRow {
  order_id: string;
  payment_value: string;
}
interface CustomerRow {
  customer_id: string;
  customer_unique_id: string;
  customer_zip_code_prefix: string;
  customer_city: string;
  customer_state: string;
}

const { input, outDir } = readArgs('examples/convert/olist-orders.ts <olist_orders_dataset.csv> <output dir>');
const sourceDir = dirname(input);

const STATUS: Record<string, string> = {
  created: 'completed',
  approved: 'completed',
  invoiced: 'completed',
  processing: 'completed',
  shipped: 'completed',
  delivered: 'completed',
  canceled: 'cancelled',
  unavailable: 'cancelled',
};

function rows<T>(path: string): AsyncIterable<T> {
  return createReadStream(path).pipe(parse({ columns: true, bom: true })) as AsyncIterable<T>;
}

/** `99.33` -> 9933 centavos; NaN when the value is not a plain decimal with at most 2 decimals. */
function centavos(raw: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(raw.trim());
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : NaN;
}

const fromCentavos = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
/** `2017-10-02 10:56:33` -> `2017-10-02T10:56:33`; undefined if it is not that shape. */
const localTime = (raw: string) =>
  /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(raw.trim()) ? raw.trim().replace(' ', 'T') : undefined;

// Payments first: an order's amount is the sum of its payments (NaN if one is unreadable).
const paid = new Map<string, number>();
let payments = 0;
for await (const payment of rows<PaymentRow>(join(sourceDir, 'olist_order_payments_dataset.csv'))) {
  payments++;
  paid.set(payment.order_id, (paid.get(payment.order_id) ?? 0) + centavos(payment.payment_value));
}

const orders = new CsvWriter(join(outDir, 'orders.csv'), [
  'id',
  'customer_id',
  'amount',
  'currency',
  'ordered_at',
  'status',
  'attributes.order_status',
]);
const skipped = new Tally();
const statuses = new Tally();
let orderRows = 0;
let matched = 0;
for await (const order of rows<OrderRow>(input)) {
  orderRows++;
  const amount = paid.get(order.order_id);
  const orderedAt = localTime(order.order_purchase_timestamp);
  const status = STATUS[order.order_status.trim()];
  if (amount !== undefined) matched++;
  if (!order.customer_id.trim()) skipped.add('no customer_id');
  else if (amount === undefined) skipped.add('no payments for the order in the payments file (amount is required)');
  else if (Number.isNaN(amount)) skipped.add('a payment_value is not a number');
  else if (!orderedAt) skipped.add('order_purchase_timestamp missing or unreadable (ordered_at is required)');
  else if (!status) skipped.add(`order_status "${order.order_status}" is not known`);
  else {
    statuses.add(`${status} (${order.order_status})`);
    await orders.write({
      id: order.order_id,
      customer_id: order.customer_id.trim(),
      amount: fromCentavos(amount),
      currency: 'BRL',
      ordered_at: orderedAt,
      status,
      'attributes.order_status': order.order_status.trim(),
    });
  }
}
await orders.close();

const customers = new CsvWriter(join(outDir, 'customers.csv'), [
  'id',
  'attributes.unique_id',
  'attributes.city',
  'attributes.state',
  'attributes.zip_prefix',
]);
const skippedCustomers = new Tally();
for await (const customer of rows<CustomerRow>(join(sourceDir, 'olist_customers_dataset.csv'))) {
  if (!customer.customer_id.trim()) {
    skippedCustomers.add('no customer_id');
    continue;
  }
  await customers.write({
    id: customer.customer_id.trim(),
    'attributes.unique_id': customer.customer_unique_id,
    'attributes.city': customer.customer_city,
    'attributes.state': customer.customer_state,
    // Kept as text: leading zeros matter (`09790`).
    'attributes.zip_prefix': customer.customer_zip_code_prefix,
  });
}
await customers.close();

console.log(`read ${orderRows} orders, ${payments} payments of ${paid.size} orders`);
console.log(
  `wrote ${orders.written} orders -> ${orders.path} (${paid.size - matched} paid orders are not in the orders file)`,
);
statuses.print('  by status');
skipped.print('skipped orders');
console.log(`wrote ${customers.written} customers -> ${customers.path}`);
skippedCustomers.print('skipped customers');
