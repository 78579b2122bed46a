import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as engine from '../src/calendar/periods.ts';
import * as web from '../web/src/periods.ts';

// The dashboard moves periods for its pickers, comparisons and drill-downs; the engine answers
// for periods. Where the two disagree a screen asks for one range and labels another, so the
// hard days (month ends, quarter ends, leap days, ISO weeks across a year) must agree, and agree
// with the calendar.
const GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
const DATES = [
  '2026-01-31',
  '2026-03-31',
  '2026-05-31',
  '2026-08-31',
  '2026-12-31',
  '2024-02-29',
  '2023-02-28',
  '2025-12-29',
  '2026-01-01',
  '2020-12-31',
  '2021-01-03',
];

test('web and engine periods agree at month ends, quarter ends, leap days and ISO weeks', () => {
  for (const date of DATES)
    for (const grain of GRAINS) {
      assert.equal(web.periodStart(date, grain), engine.periodStart(date, grain), `start ${grain} ${date}`);
      for (const count of [-13, -4, -1, 1, 2, 3, 12, 48])
        assert.equal(
          web.addPeriods(date, grain, count),
          engine.addPeriods(date, grain, count),
          `${date} + ${count} ${grain}`,
        );
      assert.deepEqual(
        web.listPeriods(date, web.addPeriods(date, 'year', 1), grain),
        engine.listPeriods(date, engine.addPeriods(date, 'year', 1), grain),
        `${grain} periods from ${date}`,
      );
    }
});

test('a month from a month end is the last day of the next month', () => {
  const cases: Array<[string, 'month' | 'quarter' | 'year' | 'week', number, string]> = [
    ['2026-01-31', 'month', 1, '2026-02-28'],
    ['2024-01-31', 'month', 1, '2024-02-29'],
    ['2026-03-31', 'month', -1, '2026-02-28'],
    ['2026-05-31', 'quarter', 1, '2026-08-31'],
    ['2026-08-31', 'quarter', 1, '2026-11-30'],
    ['2024-02-29', 'year', 1, '2025-02-28'],
    ['2024-02-29', 'year', 4, '2028-02-29'],
    ['2025-12-29', 'week', 1, '2026-01-05'],
  ];
  for (const [date, grain, count, expected] of cases)
    assert.equal(web.addPeriods(date, grain, count), expected, `${date} + ${count} ${grain}`);
  // ISO weeks start on Monday, also across a year end.
  assert.equal(web.periodStart('2021-01-03', 'week'), '2020-12-28');
  assert.equal(web.periodStart('2026-01-01', 'week'), '2025-12-29');
});

test('the dashboard accepts only real dates, as the engine does', () => {
  for (const text of ['2026-02-30', '2026-13-01', '2026-1-01', '', null, undefined])
    assert.equal(web.isDate(text), false, String(text));
  assert.equal(web.isDate('2024-02-29'), true);
});
