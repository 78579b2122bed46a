import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localDate, localToUtcMs, zoneOffsetMs } from './zoned-time.ts';

const iso = (ms: number) => new Date(ms).toISOString();

test('wall-clock times in a zone map to the right instants across DST', () => {
  const cases: Array<[string, number[], string]> = [
    ['Europe/Vilnius', [2026, 1, 15, 9, 0], '2026-01-15T07:00:00.000Z'], // winter, UTC+2
    ['Europe/Vilnius', [2026, 7, 15, 9, 0], '2026-07-15T06:00:00.000Z'], // summer, UTC+3
    ['Europe/Vilnius', [2026, 3, 29, 2, 59], '2026-03-29T00:59:00.000Z'], // just before the spring change
    ['Europe/Vilnius', [2026, 3, 29, 3, 30], '2026-03-29T01:30:00.000Z'], // skipped hour moves forward: 04:30 local
    ['Europe/Vilnius', [2026, 10, 25, 3, 30], '2026-10-25T00:30:00.000Z'], // repeated hour: first occurrence
    ['America/New_York', [2026, 11, 1, 12, 0], '2026-11-01T17:00:00.000Z'],
    ['Asia/Kolkata', [2026, 6, 1, 0, 0], '2026-05-31T18:30:00.000Z'],
    ['UTC', [2026, 6, 1, 0, 0], '2026-06-01T00:00:00.000Z'],
  ];
  for (const [zone, parts, expected] of cases) {
    const [y, mo, d, h, mi] = parts as [number, number, number, number, number];
    assert.equal(iso(localToUtcMs(zone, y, mo, d, h, mi)), expected, `${zone} ${parts.join('-')}`);
  }
});

test('offsets and local dates', () => {
  assert.equal(zoneOffsetMs('Europe/Vilnius', Date.parse('2026-07-01T00:00:00Z')), 3 * 3_600_000);
  assert.equal(zoneOffsetMs('Europe/Vilnius', Date.parse('2026-12-01T00:00:00Z')), 2 * 3_600_000);
  assert.equal(localDate('Europe/Vilnius', Date.parse('2026-03-31T22:30:00Z')), '2026-04-01');
  assert.equal(localDate('America/Los_Angeles', Date.parse('2026-04-01T05:00:00Z')), '2026-03-31');
});

test('every local minute of a DST year round-trips where it exists', () => {
  // Walk a year in 37-minute steps of UTC time: local time of the instant maps back to it,
  // except in the repeated autumn hour, where the first occurrence is chosen.
  const zone = 'Europe/Vilnius';
  for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 37 * 60_000) {
    const local = new Date(t + zoneOffsetMs(zone, t));
    const back = localToUtcMs(
      zone,
      local.getUTCFullYear(),
      local.getUTCMonth() + 1,
      local.getUTCDate(),
      local.getUTCHours(),
      local.getUTCMinutes(),
    );
    const repeated = t >= Date.parse('2026-10-25T00:00:00Z') && t < Date.parse('2026-10-25T01:00:00Z') + 3_600_000;
    if (!repeated) assert.equal(back, t, iso(t));
    else assert.ok(back === t || back === t - 3_600_000, iso(t));
  }
});
