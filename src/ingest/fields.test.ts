import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Invalid, parseValue, type FieldKind } from './fields.ts';

const ctx = { timezone: 'Europe/Vilnius' };
const ok = (kind: FieldKind, raw: unknown, expected: unknown) =>
  assert.deepEqual(parseValue(kind, raw, ctx), expected, `${kind.kind} ${JSON.stringify(raw)}`);
const bad = (kind: FieldKind, raw: unknown, reason: RegExp) => {
  const value = parseValue(kind, raw, ctx);
  assert.ok(
    value instanceof Invalid,
    `${kind.kind} ${JSON.stringify(raw)} should be invalid, got ${JSON.stringify(value)}`,
  );
  assert.match(value.reason, reason);
};

test('timestamps: offsets are absolute, local times use the organization zone', () => {
  const ts: FieldKind = { kind: 'timestamp' };
  ok(ts, '2026-03-01T09:30:00Z', '2026-03-01T09:30:00.000Z');
  ok(ts, '2026-03-01T09:30:00+02:00', '2026-03-01T07:30:00.000Z');
  ok(ts, '2026-03-01T09:30:00-0500', '2026-03-01T14:30:00.000Z');
  ok(ts, '2026-03-01 09:30', '2026-03-01T07:30:00.000Z'); // Vilnius winter: UTC+2
  ok(ts, '2026-07-01 09:30:15.250', '2026-07-01T06:30:15.250Z'); // summer: UTC+3
  ok(ts, '2026-03-01', '2026-02-28T22:00:00.000Z'); // a date alone is local midnight
  bad(ts, '01/03/2026', /ISO 8601/);
  bad(ts, '2026-02-30T10:00:00Z', /valid date/);
  bad(ts, '2026-03-01T24:00:00Z', /valid date/);
  bad(ts, 1_700_000_000, /ISO 8601/);
});

test('numbers, decimals and booleans', () => {
  ok({ kind: 'int', min: 0, max: 10 }, '7', 7);
  ok({ kind: 'int', min: 0, max: 10 }, 7, 7);
  ok({ kind: 'int' }, '3.0', 3); // exports that write whole numbers as floats
  bad({ kind: 'int', min: 0, max: 10 }, '11', /above the maximum 10/);
  bad({ kind: 'int' }, '3.5', /whole number/);
  bad({ kind: 'int' }, 'seven', /whole number/);
  ok({ kind: 'decimal' }, '19.99', '19.99');
  ok({ kind: 'decimal' }, 19.99, '19.99');
  ok({ kind: 'decimal' }, '-5', '-5');
  bad({ kind: 'decimal', min: 0 }, '-5', /at least 0/);
  bad({ kind: 'decimal', min: 0, exclusiveMin: true }, '0', /greater than 0/);
  bad({ kind: 'decimal' }, '1,234.50', /not a number/);
  ok({ kind: 'bool' }, 'Yes', true);
  ok({ kind: 'bool' }, '0', false);
  ok({ kind: 'bool' }, false, false);
  bad({ kind: 'bool' }, 'maybe', /true or false/);
});

test('enums, currencies, lists and dates', () => {
  ok({ kind: 'enum', values: ['email', 'chat'] }, ' Email ', 'email');
  bad({ kind: 'enum', values: ['email', 'chat'] }, 'fax', /not one of email, chat/);
  ok({ kind: 'currency' }, 'usd', 'USD');
  bad({ kind: 'currency' }, 'dollars', /ISO 4217/);
  ok({ kind: 'list' }, 'billing| refund ||vip', ['billing', 'refund', 'vip']);
  ok({ kind: 'list' }, ['a', 'b'], ['a', 'b']);
  ok({ kind: 'date' }, '2026-02-28', '2026-02-28');
  bad({ kind: 'date' }, '2026-02-29', /date such as/);
});

test('ratings and attributes', () => {
  ok({ kind: 'ratings' }, '{"Speed": 4, "friendliness": "5"}', { speed: 4, friendliness: 5 });
  bad({ kind: 'ratings' }, { speed: 6 }, /speed: 6 is above the maximum 5/);
  bad({ kind: 'ratings' }, '[1,2]', /not a JSON object/);
  ok(
    { kind: 'attributes' },
    { region: 'north', vip: true, seats: 12, empty: null },
    { region: 'north', vip: true, seats: 12 },
  );
  bad({ kind: 'attributes' }, { nested: { a: 1 } }, /text, numbers or true\/false/);
  bad({ kind: 'attributes' }, { 'bad name!': 1 }, /not an attribute name/);
});

test('text and ids', () => {
  ok({ kind: 'id' }, ' t-1 ', 't-1');
  ok({ kind: 'id' }, 17850, '17850');
  bad({ kind: 'id' }, 'a\u0001b', /control characters/);
  bad({ kind: 'text', max: 5 }, 'toolong', /longer than 5/);
  bad({ kind: 'text' }, 'nul\u0000byte', /NUL/);
  ok({ kind: 'text' }, 'Спасибо, ačiū! <script>alert(1)</script>', 'Спасибо, ačiū! <script>alert(1)</script>');
});

test('timestamps come out in one shape, so that they compare as strings', () => {
  const ts: FieldKind = { kind: 'timestamp' };
  ok(ts, '2026-03-01T09:30:00Z', '2026-03-01T09:30:00.000Z');
  ok(ts, '2026-03-01T09:30:00.5Z', '2026-03-01T09:30:00.500Z');
  ok(ts, '2026-03-01T09:30:00.123456Z', '2026-03-01T09:30:00.123Z');
  bad(ts, '2026-02-29T09:30:00Z', /valid date/);
  ok(ts, '2028-02-29T09:30:00Z', '2028-02-29T09:30:00.000Z');
  bad(ts, '1850-01-01T00:00:00Z', /1900-2200/);
});
