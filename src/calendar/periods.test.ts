import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addPeriods, daysBetween, isDate, listPeriods, periodStart } from './periods.ts';

test('period starts: ISO weeks start on Monday, quarters on Jan/Apr/Jul/Oct', () => {
  assert.equal(periodStart('2026-11-22', 'week'), '2026-11-16'); // a Sunday belongs to the week of Monday the 16th
  assert.equal(periodStart('2026-11-16', 'week'), '2026-11-16');
  assert.equal(periodStart('2027-01-01', 'week'), '2026-12-28');
  assert.equal(periodStart('2026-08-15', 'quarter'), '2026-07-01');
  assert.equal(periodStart('2026-08-15', 'month'), '2026-08-01');
  assert.equal(periodStart('2026-08-15', 'year'), '2026-01-01');
});

test('adding periods clamps to the end of shorter months', () => {
  assert.equal(addPeriods('2026-01-31', 'month', 1), '2026-02-28');
  assert.equal(addPeriods('2028-02-29', 'year', -1), '2027-02-28');
  assert.equal(addPeriods('2026-03-01', 'month', -12), '2025-03-01');
  assert.equal(addPeriods('2026-03-29', 'day', 1), '2026-03-30');
});

test('listing periods of a half-open range', () => {
  assert.deepEqual(listPeriods('2026-01-15', '2026-04-01', 'month'), ['2026-01-01', '2026-02-01', '2026-03-01']);
  assert.deepEqual(listPeriods('2026-01-01', '2026-01-01', 'month'), []);
  assert.equal(listPeriods('2025-12-01', '2026-12-01', 'week').length, 53);
  assert.equal(daysBetween('2026-01-01', '2027-01-01'), 365);
  assert.ok(isDate('2026-02-28') && !isDate('2026-02-30') && !isDate('26-1-1'));
});
