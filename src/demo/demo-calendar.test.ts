import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BusinessCalendar, addMonths, isLithuanianHoliday, dateToDays, isoSecond } from './demo-calendar.ts';
import { localParts, localToUtcMs, zoneOffsetMs } from '../calendar/zoned-time.ts';

const ZONE = 'Europe/Vilnius';

test('Vilnius offsets are +2 h in winter and +3 h in summer, switching on the EU dates', () => {
  assert.equal(zoneOffsetMs(ZONE, Date.parse('2026-01-15T12:00:00Z')), 2 * 3_600_000);
  assert.equal(zoneOffsetMs(ZONE, Date.parse('2026-07-15T12:00:00Z')), 3 * 3_600_000);
  // 2026-03-29 01:00 UTC: clocks go from 03:00 to 04:00; 2026-10-25 01:00 UTC: back to 03:00.
  assert.equal(zoneOffsetMs(ZONE, Date.parse('2026-03-29T00:59:59Z')), 2 * 3_600_000);
  assert.equal(zoneOffsetMs(ZONE, Date.parse('2026-03-29T01:00:00Z')), 3 * 3_600_000);
  assert.equal(zoneOffsetMs(ZONE, Date.parse('2026-10-25T00:59:59Z')), 3 * 3_600_000);
  assert.equal(zoneOffsetMs(ZONE, Date.parse('2026-10-25T01:00:00Z')), 2 * 3_600_000);
});

test('local wall-clock times map to the right instants, also around DST changes', () => {
  const cases: [number[], string][] = [
    [[2026, 1, 1, 0, 0], '2025-12-31T22:00:00.000Z'],
    [[2026, 6, 1, 8, 30], '2026-06-01T05:30:00.000Z'],
    [[2026, 3, 29, 2, 30], '2026-03-29T00:30:00.000Z'],
    [[2026, 3, 29, 3, 30], '2026-03-29T01:30:00.000Z'], // skipped hour: moves forward by the gap
    [[2026, 3, 29, 4, 0], '2026-03-29T01:00:00.000Z'],
    [[2026, 10, 25, 3, 30], '2026-10-25T00:30:00.000Z'], // repeated hour: first occurrence
    [[2026, 10, 25, 4, 0], '2026-10-25T02:00:00.000Z'],
  ];
  for (const [[y, m, d, h, mi], expected] of cases) {
    assert.equal(new Date(localToUtcMs(ZONE, y!, m!, d!, h, mi)).toISOString(), expected, `${y}-${m}-${d} ${h}:${mi}`);
  }
  assert.deepEqual(localParts(ZONE, Date.parse('2026-07-03T21:30:00Z')), {
    year: 2026,
    month: 7,
    day: 4,
    hour: 0,
    minute: 30,
    weekday: 6,
  });
});

test('isoSecond formats like toISOString, truncated to the second', () => {
  for (const iso of ['1999-12-31T23:59:59.999Z', '2026-03-02T07:15:00.000Z', '2026-10-25T00:59:59.500Z']) {
    const ms = Date.parse(iso);
    assert.equal(isoSecond(ms), new Date(Math.floor(ms / 1000) * 1000).toISOString());
  }
});

test('dates: months added with clamping, Lithuanian holidays including Easter Monday', () => {
  assert.equal(addMonths('2026-11-01', -12), '2025-11-01');
  assert.equal(addMonths('2026-03-31', -1), '2026-02-28');
  assert.equal(addMonths('2025-12-15', 1), '2026-01-15');
  assert.ok(isLithuanianHoliday(dateToDays('2026-02-16')));
  assert.ok(isLithuanianHoliday(dateToDays('2026-04-06'))); // Easter Monday 2026
  assert.ok(isLithuanianHoliday(dateToDays('2025-04-21'))); // Easter Monday 2025
  assert.ok(!isLithuanianHoliday(dateToDays('2026-04-07')));
  assert.throws(() => dateToDays('2026-02-30'));
});

test('business time only runs Mon-Fri in opening hours (metrics.md example)', () => {
  const calendar = new BusinessCalendar(ZONE, '2026-01-01', '2026-12-31', 9, 17);
  // Created Friday 16:30, 75 business minutes later: Monday 09:45 (calendar 3,915 minutes).
  const created = localToUtcMs(ZONE, 2026, 3, 6, 16, 30);
  const answered = calendar.addBusinessMinutes(created, 75);
  assert.equal(answered, localToUtcMs(ZONE, 2026, 3, 9, 9, 45));
  assert.equal((answered - created) / 60_000, 3915);
  // Across the spring DST change the local opening hour is kept.
  const friday = localToUtcMs(ZONE, 2026, 3, 27, 16, 0);
  assert.equal(calendar.addBusinessMinutes(friday, 120), localToUtcMs(ZONE, 2026, 3, 30, 10, 0));
  // Holidays are closed: Monday 2026-04-06 is Easter Monday.
  const beforeEaster = localToUtcMs(ZONE, 2026, 4, 3, 16, 0);
  assert.equal(calendar.addBusinessMinutes(beforeEaster, 90), localToUtcMs(ZONE, 2026, 4, 7, 9, 30));
  assert.ok(calendar.isOpen(localToUtcMs(ZONE, 2026, 3, 9, 9, 0)));
  assert.ok(!calendar.isOpen(localToUtcMs(ZONE, 2026, 3, 7, 12, 0)));
});
