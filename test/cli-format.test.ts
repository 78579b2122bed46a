import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { run as importCommand } from '../src/cli/commands/import.ts';
import { run as orgsCommand } from '../src/cli/commands/orgs.ts';
import { run as queryCommand, toCsv, toTable } from '../src/cli/commands/query.ts';
import type { Io } from '../src/cli/context.ts';
import { describeSource, formatChange, formatDuration, formatValue, renderTable } from '../src/cli/format.ts';
import type { MetricResult } from '../src/metrics/index.ts';

function capture(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    stdin: process.stdin,
    out: (text: string) => void (io.stdout += `${text}\n`),
    err: (text: string) => void (io.stderr += `${text}\n`),
  };
  return io;
}

test('values in their unit: money with currency, ratios as percentages, durations, counts, scores', () => {
  const cases: Array<[number | null, Parameters<typeof formatValue>[1], string, string]> = [
    [1234.5, 'money', 'EUR', '€1,234.50'],
    [-0.5, 'money', 'USD', '-$0.50'],
    [1234.5, 'money', 'SEK', 'SEK 1,234.50'],
    [0.8512, 'ratio', 'EUR', '85.1 %'],
    [1.05, 'ratio', 'EUR', '105.0 %'],
    [0, 'ratio', 'EUR', '0.0 %'],
    [42.333, 'nps', 'EUR', '42.3'],
    [-100, 'nps', 'EUR', '-100.0'],
    [5.236, 'score', 'EUR', '5.24'],
    [12345, 'count', 'EUR', '12,345'],
    [3.14159, 'number', 'EUR', '3.14'],
    [7500, 'seconds', 'EUR', '2h 05m'],
    [null, 'money', 'EUR', 'n/a'],
  ];
  for (const [value, unit, currency, expected] of cases) {
    assert.equal(formatValue(value, unit, currency), expected, `${value} ${unit}`);
  }
});

test('durations keep two units and never show 60 of the smaller one', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [44.6, '45s'],
    [59.6, '1m 00s'],
    [750, '12m 30s'],
    [3599.6, '1h 00m'],
    [7170, '2h 00m'],
    [86_399, '1d 00h'],
    [3 * 86_400 + 4 * 3600 + 1200, '3d 04h'],
    [-300, '-5m 00s'],
  ];
  for (const [seconds, expected] of cases) assert.equal(formatDuration(seconds), expected, String(seconds));
});

test('changes carry a sign; ratios change in percentage points', () => {
  assert.equal(formatChange(0.023, 'ratio', 'EUR'), '+2.3 pp');
  assert.equal(formatChange(-0.1, 'ratio', 'EUR'), '-10.0 pp');
  assert.equal(formatChange(12, 'money', 'EUR'), '+€12.00');
  assert.equal(formatChange(-12, 'money', 'EUR'), '-€12.00');
  assert.equal(formatChange(300, 'seconds', 'EUR'), '+5m 00s');
  assert.equal(formatChange(-4, 'nps', 'EUR'), '-4.0');
  assert.equal(formatChange(0, 'count', 'EUR'), '0');
  assert.equal(formatChange(null, 'count', 'EUR'), 'n/a');
});

test('tables right-align numbers and the source never shows a password', () => {
  assert.equal(
    renderTable(
      ['name', { title: 'n', align: 'right' }],
      [
        ['a', '1'],
        ['bb', '1,000'],
      ],
    ),
    'name      n\na         1\nbb    1,000',
  );
  assert.equal(
    describeSource({ databaseUrl: 'postgres://cx:secret@db.internal:5432/cxkpi', dataDir: '/x' }),
    'PostgreSQL db.internal:5432/cxkpi',
  );
  assert.equal(
    describeSource({ databaseUrl: undefined, dataDir: path.join(process.cwd(), 'cxkpi-data') }),
    'PGlite ./cxkpi-data',
  );
  assert.equal(describeSource({ databaseUrl: undefined, dataDir: '/var/lib/cxkpi' }), 'PGlite /var/lib/cxkpi');
});

test('a query table marks partial periods and says period, time zone and source', () => {
  const result = {
    rows: [
      {
        metric: 'revenue',
        period: '2026-11',
        group: {},
        value: 1234.5,
        n: 1200,
        ci_low: null,
        ci_high: null,
        low_sample: false,
        previous: 1000,
        delta: 234.5,
        significant: null,
      },
      {
        metric: 'revenue',
        period: '2026-12',
        group: {},
        value: 99,
        n: 3,
        ci_low: null,
        ci_high: null,
        low_sample: true,
        previous: 1234.5,
        delta: -1135.5,
        significant: null,
        partial: true,
        previous_partial: false,
      },
    ],
    meta: {
      tz: 'Europe/Vilnius',
      from: '2026-11-01',
      to: '2027-01-01',
      grain: 'month',
      compare: 'previous',
      business_hours: false,
      generated_at: '2026-12-01T00:00:00Z',
    },
  } as MetricResult;
  const text = toTable(result, {
    units: { revenue: 'money' },
    currency: 'EUR',
    source: 'PGlite ./cxkpi-data',
    org: 'acme',
  });
  const lines = text.split('\n');
  assert.match(lines[1]!, /^revenue\s+2026-11\s+€1,234\.50\s+1,200\s+€1,000\.00\s+\+€234\.50$/);
  assert.match(lines[2]!, /^revenue\s+2026-12\*\s+€99\.00 \(low n\)\s+3\s+€1,234\.50\s+-€1,135\.50$/);
  assert.ok(text.includes('Period 2026-11-01 to 2026-12-31 by month, time zone Europe/Vilnius'));
  assert.ok(text.includes('* partial: the period is not complete'));
  assert.ok(text.endsWith('source: PGlite ./cxkpi-data, organization acme'));

  // Without partial rows there is no partial note.
  const whole = toTable(
    { ...result, rows: result.rows.slice(0, 1) },
    { units: { revenue: 'money' }, currency: 'EUR', source: 's', org: 'o' },
  );
  assert.ok(!whole.includes('partial'));

  // CSV stays raw and carries the flags as columns when the engine sets them.
  const csv = toCsv(result).split('\r\n');
  assert.equal(
    csv[0],
    'metric,period,value,n,ci_low,ci_high,low_sample,previous,delta,significant,partial,previous_partial',
  );
  assert.equal(csv[2], 'revenue,2026-12,99,3,,,true,1234.5,-1135.5,,true,false');
});

test('cxkpi query: table in units and currency, JSON and CSV stay raw', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-format-'));
  try {
    const db = ['--data-dir', path.join(dir, 'data')];
    const tickets = path.join(dir, 'tickets.csv');
    fs.writeFileSync(
      tickets,
      'id,created_at,first_response_at,resolved_at\n' +
        't1,2026-03-02T09:00:00Z,2026-03-02T11:05:00Z,2026-03-03T09:00:00Z\n' +
        't2,2026-03-03T09:00:00Z,2026-03-03T11:05:00Z,\n',
    );
    const orders = path.join(dir, 'orders.csv');
    fs.writeFileSync(
      orders,
      'id,customer_id,amount,ordered_at\no1,c1,1000.25,2026-03-05T10:00:00Z\no2,c2,234.25,2026-03-06T10:00:00Z\n',
    );
    assert.equal(await importCommand(['tickets', tickets, ...db], capture()), 0);
    assert.equal(await importCommand(['orders', orders, ...db], capture()), 0);

    const query = ['first_response_time,order_revenue,tickets_created', '--from', '2026-03-01', '--to', '2026-04-01'];
    let io = capture();
    assert.equal(await queryCommand([...query, ...db], io), 0);
    const table = io.stdout;
    assert.match(table, /first_response_time\s+2026-03-01\*?\s+2h 05m \(low n\)/);
    assert.match(table, /order_revenue\s+2026-03-01\*?\s+€1,234\.50/);
    assert.match(table, /tickets_created\s+2026-03-01\*?\s+2\b/);
    assert.match(table, /Period 2026-03-01 to 2026-03-31 by month, time zone UTC\./);
    assert.match(table, /source: PGlite .*data, organization default/);

    io = capture();
    assert.equal(await queryCommand([...query, ...db, '--format', 'json'], io), 0);
    const json = JSON.parse(io.stdout) as MetricResult;
    assert.deepEqual(
      json.rows.map((r) => [r.metric, r.value]),
      [
        ['first_response_time', 7500],
        ['order_revenue', 1234.5],
        ['tickets_created', 2],
      ],
    );
    io = capture();
    assert.equal(await queryCommand([...query, ...db, '--format', 'csv'], io), 0);
    assert.match(io.stdout, /order_revenue,2026-03-01,1234\.5,/);
    assert.ok(!io.stdout.includes('€'));

    io = capture();
    assert.equal(await orgsCommand(['list', ...db], io), 0);
    assert.match(io.stdout, /^slug\s+time zone\s+currency\s+language\s+name\ndefault\s+UTC\s+EUR\s+en\s+/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
