import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_SCHEDULE,
  businessSecondsBetween,
  businessSecondsFromTable,
  cumulativeOpenSeconds,
  openIntervals,
  parseBusinessSchedule,
  type BusinessSchedule,
} from './business-hours.ts';
import { zoneOffsetMs } from './zoned-time.ts';

type Range = [string, string];
const HOUR = 3600;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function everyDay(timezone: string, ranges: Range[], holidays: string[] = []): BusinessSchedule {
  const week = { mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges, sat: ranges, sun: ranges };
  return parseBusinessSchedule({ timezone, week, holidays });
}

function weekdays(timezone: string, ranges: Range[], holidays: string[] = []): BusinessSchedule {
  return parseBusinessSchedule({
    timezone,
    week: { mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges },
    holidays,
  });
}

const vilnius = (ranges: Range[]) => everyDay('Europe/Vilnius', ranges);
const splitDay = weekdays('Europe/Vilnius', [
  ['09:00', '12:00'],
  ['13:00', '18:00'],
]);
const alwaysOpen = (timezone: string) => everyDay(timezone, [['00:00', '24:00']]);

// Vilnius changes clocks at 01:00 UTC: 2025-03-30 03:00 -> 04:00, 2025-10-26 04:00 -> 03:00.
// New York at 2025-03-09 02:00 -> 03:00 and 2025-11-02 02:00 -> 01:00.
const cases: Array<[string, BusinessSchedule, string, string, number]> = [
  ['metrics.md: Fri 16:30 -> Mon 09:45', DEFAULT_SCHEDULE, '2025-01-10T16:30:00Z', '2025-01-13T09:45:00Z', 75 * 60],
  [
    'metrics.md example in Vilnius local time',
    weekdays('Europe/Vilnius', [['09:00', '17:00']]),
    '2025-01-10T16:30:00+02:00',
    '2025-01-13T09:45:00+02:00',
    75 * 60,
  ],
  ['overnight Tue 16:00 -> Wed 10:00', DEFAULT_SCHEDULE, '2025-01-14T16:00:00Z', '2025-01-15T10:00:00Z', 2 * HOUR],
  ['weekend Fri 17:00 -> Mon 09:00', DEFAULT_SCHEDULE, '2025-01-10T17:00:00Z', '2025-01-13T09:00:00Z', 0],
  ['inside the weekend', DEFAULT_SCHEDULE, '2025-01-11T12:00:00Z', '2025-01-12T12:00:00Z', 0],
  ['a whole week', DEFAULT_SCHEDULE, '2025-01-13T00:00:00Z', '2025-01-20T00:00:00Z', 40 * HOUR],
  [
    'holiday Monday: Fri 16:30 -> Tue 09:45',
    weekdays('UTC', [['09:00', '17:00']], ['2025-01-13']),
    '2025-01-10T16:30:00Z',
    '2025-01-14T09:45:00Z',
    75 * 60,
  ],
  ['start and end inside open hours', DEFAULT_SCHEDULE, '2025-01-14T10:00:00Z', '2025-01-14T11:30:00Z', 5400],
  [
    'start before opening, end after closing',
    DEFAULT_SCHEDULE,
    '2025-01-14T07:00:00Z',
    '2025-01-14T19:00:00Z',
    8 * HOUR,
  ],
  ['start and end outside open hours', DEFAULT_SCHEDULE, '2025-01-14T18:00:00Z', '2025-01-15T08:00:00Z', 0],
  ['start outside, end inside', DEFAULT_SCHEDULE, '2025-01-14T06:00:00Z', '2025-01-14T09:00:01Z', 1],
  ['equal timestamps', DEFAULT_SCHEDULE, '2025-01-14T10:00:00Z', '2025-01-14T10:00:00Z', 0],
  ['end before start', DEFAULT_SCHEDULE, '2025-01-14T12:00:00Z', '2025-01-14T10:00:00Z', 0],
  ['two ranges a day, across lunch', splitDay, '2025-01-14T11:00:00+02:00', '2025-01-14T14:00:00+02:00', 2 * HOUR],
  ['two ranges a day, whole day', splitDay, '2025-01-14T00:00:00+02:00', '2025-01-15T00:00:00+02:00', 8 * HOUR],
  [
    'Vilnius spring forward: 09-17 is 8 h',
    vilnius([['09:00', '17:00']]),
    '2025-03-30T00:00:00+02:00',
    '2025-03-31T00:00:00+03:00',
    8 * HOUR,
  ],
  [
    'Vilnius spring forward: the local day is 23 h',
    alwaysOpen('Europe/Vilnius'),
    '2025-03-30T00:00:00+02:00',
    '2025-03-31T00:00:00+03:00',
    23 * HOUR,
  ],
  [
    'Vilnius spring forward: 02-05 spans the gap, 2 h',
    vilnius([['02:00', '05:00']]),
    '2025-03-30T00:00:00+02:00',
    '2025-03-31T00:00:00+03:00',
    2 * HOUR,
  ],
  [
    'Vilnius spring forward: opening at 03:30 waits for 04:00',
    vilnius([['03:30', '05:00']]),
    '2025-03-30T00:00:00+02:00',
    '2025-03-31T00:00:00+03:00',
    HOUR,
  ],
  [
    'Vilnius spring forward: a range inside the gap is empty',
    vilnius([['03:10', '03:50']]),
    '2025-03-30T00:00:00+02:00',
    '2025-03-31T00:00:00+03:00',
    0,
  ],
  [
    'Vilnius fall back: 09-17 is 8 h',
    vilnius([['09:00', '17:00']]),
    '2025-10-26T00:00:00+03:00',
    '2025-10-27T00:00:00+02:00',
    8 * HOUR,
  ],
  [
    'Vilnius fall back: the local day is 25 h',
    alwaysOpen('Europe/Vilnius'),
    '2025-10-26T00:00:00+03:00',
    '2025-10-27T00:00:00+02:00',
    25 * HOUR,
  ],
  [
    'Vilnius fall back: 02-05 counts the repeated hour, 4 h',
    vilnius([['02:00', '05:00']]),
    '2025-10-26T00:00:00+03:00',
    '2025-10-27T00:00:00+02:00',
    4 * HOUR,
  ],
  [
    'Vilnius fall back: 03:30 opens at its first occurrence',
    vilnius([['03:30', '05:00']]),
    '2025-10-26T00:00:00+03:00',
    '2025-10-27T00:00:00+02:00',
    2.5 * HOUR,
  ],
  [
    'New York spring forward: 09-17 is 8 h',
    everyDay('America/New_York', [['09:00', '17:00']]),
    '2025-03-09T00:00:00-05:00',
    '2025-03-10T00:00:00-04:00',
    8 * HOUR,
  ],
  [
    'New York fall back: 00-24 is 25 h',
    alwaysOpen('America/New_York'),
    '2025-11-02T00:00:00-04:00',
    '2025-11-03T00:00:00-05:00',
    25 * HOUR,
  ],
  ['24/7 gives the calendar time', alwaysOpen('UTC'), '2025-01-10T16:30:00Z', '2025-01-13T09:45:00Z', 3915 * 60],
];

test('business seconds: table of reference cases', () => {
  for (const [name, schedule, from, to, expected] of cases) {
    assert.equal(businessSecondsBetween(schedule, at(from), at(to)), expected, name);
  }
  // The metrics.md example's calendar duration, for completeness.
  assert.equal((at('2025-01-13T09:45:00Z') - at('2025-01-10T16:30:00Z')) / 60_000, 3915);
});

test('open intervals are UTC instants, DST-correct, clipped and joined', () => {
  const show = (list: Array<[number, number]>) => list.map(([a, b]) => `${iso(a)} ${iso(b)}`);
  // Spring forward in Vilnius: 03:30 does not exist; the opening is when the clock resumes, 04:00 EEST.
  assert.deepEqual(
    show(openIntervals(vilnius([['03:30', '05:00']]), at('2025-03-29T22:00:00Z'), at('2025-03-30T22:00:00Z'))),
    ['2025-03-30T01:00:00.000Z 2025-03-30T02:00:00.000Z'],
  );
  // Summer time: 09:00-17:00 EEST.
  assert.deepEqual(show(openIntervals(splitDay, at('2025-07-01T00:00:00Z'), at('2025-07-02T00:00:00Z'))), [
    '2025-07-01T06:00:00.000Z 2025-07-01T09:00:00.000Z',
    '2025-07-01T10:00:00.000Z 2025-07-01T15:00:00.000Z',
  ]);
  // Clipped to the window; days that touch at midnight are one period.
  assert.deepEqual(
    show(openIntervals(alwaysOpen('Europe/Vilnius'), at('2025-01-01T10:00:00Z'), at('2025-01-05T10:00:00Z'))),
    ['2025-01-01T10:00:00.000Z 2025-01-05T10:00:00.000Z'],
  );
  const nightShift = everyDay('UTC', [
    ['00:00', '06:00'],
    ['22:00', '24:00'],
  ]);
  assert.deepEqual(show(openIntervals(nightShift, at('2025-01-01T12:00:00Z'), at('2025-01-02T12:00:00Z'))), [
    '2025-01-01T22:00:00.000Z 2025-01-02T06:00:00.000Z',
  ]);
  assert.deepEqual(openIntervals(DEFAULT_SCHEDULE, at('2025-01-14T12:00:00Z'), at('2025-01-14T12:00:00Z')), []);
});

test('schedules are validated with messages that name the field', () => {
  const problems: Array<[unknown, RegExp]> = [
    [{ timezone: 'Mars/Olympus', week: {} }, /timezone: "Mars\/Olympus" is not an IANA time zone/],
    [
      {
        timezone: 'UTC',
        week: {
          mon: [
            ['09:00', '12:00'],
            ['11:00', '13:00'],
          ],
        },
      },
      /week\.mon\[1\]: 11:00-13:00 overlaps 09:00-12:00/,
    ],
    [
      { timezone: 'UTC', week: { tue: [['22:00', '06:00']] } },
      /week\.tue\[0\]: opens at 22:00 but closes at 06:00.*split a night shift/,
    ],
    [{ timezone: 'UTC', week: { wed: [['09:00', '09:00']] } }, /week\.wed\[0\]: opens at 09:00 but closes at 09:00/],
    [{ timezone: 'UTC', week: { thu: [['9:00', '25:00']] } }, /week\.thu\[0\]\[0\]: must be a local time "HH:MM"/],
    [{ timezone: 'UTC', week: { fri: [['24:00', '24:00']] } }, /week\.fri\[0\]: opens at 24:00/],
    [{ timezone: 'UTC', week: { monday: [] } }, /week: unknown monday; the weekdays are mon, tue/],
    [{ timezone: 'UTC', week: {}, holidays: ['2025-02-30'] }, /holidays\[0\]: 2025-02-30 is not a calendar date/],
    [{ timezone: 'UTC', week: {}, holidays: ['30.12.2025'] }, /holidays\[0\]: must be a local date "YYYY-MM-DD"/],
    [{ week: {} }, /timezone: /],
  ];
  for (const [input, message] of problems) {
    assert.throws(
      () => parseBusinessSchedule(input),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'invalid-business-schedule');
        assert.match(error.message, message);
        return true;
      },
      JSON.stringify(input),
    );
  }
  // Unvalidated objects are checked before use too.
  const bad = { timezone: 'UTC', week: { mon: [['17:00', '09:00']] }, holidays: [] } as BusinessSchedule;
  assert.throws(() => businessSecondsBetween(bad, 0, 1), /invalid|Invalid business schedule/);

  const ok = parseBusinessSchedule({
    timezone: 'europe/vilnius',
    week: {
      mon: [
        ['13:00', '24:00'],
        ['09:00', '13:00'],
      ],
    },
  });
  assert.equal(ok.timezone, 'Europe/Vilnius');
  assert.deepEqual(ok.holidays, []);
  assert.equal(businessSecondsBetween(ok, at('2025-01-13T00:00:00+02:00'), at('2025-01-14T00:00:00+02:00')), 15 * HOUR);
  assert.deepEqual(parseBusinessSchedule(DEFAULT_SCHEDULE), DEFAULT_SCHEDULE);
  assert.throws(() => businessSecondsBetween(DEFAULT_SCHEDULE, Number.NaN, 0), RangeError);
  assert.throws(() => businessSecondsBetween(DEFAULT_SCHEDULE, 0, Date.UTC(3000, 0, 1)), RangeError);
});

// ---- property tests ----

const DST_DAYS: Array<[string, string]> = [
  ['Europe/Vilnius', '2025-03-30T01:00:00Z'],
  ['Europe/Vilnius', '2025-10-26T01:00:00Z'],
  ['America/New_York', '2025-03-09T07:00:00Z'],
  ['America/New_York', '2025-11-02T06:00:00Z'],
  ['UTC', '2025-06-15T12:00:00Z'],
];
const CENTERS = DST_DAYS.map(([, when]) => at(when));
const SPAN_MS = 6 * 86_400_000;

/** Instants within six days of a DST change, on whole minutes or any millisecond. */
const instant = fc
  .tuple(fc.constantFrom(...CENTERS), fc.integer({ min: -SPAN_MS, max: SPAN_MS }), fc.boolean())
  .map(([center, delta, whole]) => center + (whole ? Math.round(delta / 60_000) * 60_000 : delta));

const hhmm = (quarter: number) =>
  `${String(Math.floor(quarter / 4)).padStart(2, '0')}:${String((quarter % 4) * 15).padStart(2, '0')}`;

/** 0-3 disjoint ranges on quarter hours; touching ranges allowed. */
const dayRanges = fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { maxLength: 6 }).chain((cuts) =>
  fc.constant(cuts.sort((a, b) => a - b)).chain((sorted) => {
    const ranges: Range[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) ranges.push([hhmm(sorted[i]!), hhmm(sorted[i + 1]!)]);
    return fc.constant(ranges);
  }),
);

const randomSchedule: fc.Arbitrary<BusinessSchedule> = fc
  .record({
    timezone: fc.constantFrom('Europe/Vilnius', 'America/New_York', 'UTC'),
    week: fc.record(
      {
        mon: dayRanges,
        tue: dayRanges,
        wed: dayRanges,
        thu: dayRanges,
        fri: dayRanges,
        sat: dayRanges,
        sun: dayRanges,
      },
      { requiredKeys: [] },
    ),
    holidays: fc.uniqueArray(
      fc
        .tuple(fc.constantFrom(...CENTERS), fc.integer({ min: -6, max: 6 }))
        .map(([c, d]) => iso(c + d * 86_400_000).slice(0, 10)),
      { maxLength: 3 },
    ),
  })
  .map((input) => parseBusinessSchedule(input));

const schedule = fc.oneof(
  randomSchedule,
  fc.constantFrom(
    DEFAULT_SCHEDULE,
    splitDay,
    weekdays(
      'America/New_York',
      [
        ['09:00', '12:00'],
        ['13:00', '18:00'],
      ],
      ['2025-11-03', '2025-03-10'],
    ),
    vilnius([
      ['02:00', '05:00'],
      ['09:00', '17:00'],
    ]),
    alwaysOpen('Europe/Vilnius'),
    alwaysOpen('America/New_York'),
  ),
);

const close = (actual: number, expected: number, message?: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${message ?? ''} ${actual} != ${expected}`);

/**
 * Reference for the DST semantics, by brute force: a boundary is the first whole minute at which
 * the wall clock (UTC instant + offset) reads the boundary time or later.
 */
function bruteForceSeconds(s: BusinessSchedule, a: number, b: number): number {
  const keys = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
  const first = (wall: number) => {
    let t = wall - zoneOffsetMs(s.timezone, wall - 86_400_000) - 3 * 3_600_000;
    assert.ok(t + zoneOffsetMs(s.timezone, t) < wall);
    while (t + zoneOffsetMs(s.timezone, t) < wall) t += 60_000;
    return t;
  };
  let total = 0;
  const firstDay = Math.floor(a / 86_400_000) - 2;
  const lastDay = Math.floor(b / 86_400_000) + 2;
  for (let day = firstDay; day <= lastDay; day++) {
    const date = new Date(day * 86_400_000);
    if (s.holidays.includes(iso(day * 86_400_000).slice(0, 10))) continue;
    for (const [open, shut] of s.week[keys[date.getUTCDay()]!] ?? []) {
      const wall = (time: string) =>
        day * 86_400_000 + (Number(time.slice(0, 2)) * 60 + Number(time.slice(3))) * 60_000;
      const from = Math.max(first(wall(open)), a);
      const to = Math.min(first(wall(shut)), b);
      if (to > from) total += to - from;
    }
  }
  return total / 1000;
}

test('property: agrees with a brute-force reading of the wall clock', () => {
  fc.assert(
    fc.property(schedule, instant, instant, (s, x, y) => {
      const [a, b] = x <= y ? [x, y] : [y, x];
      close(businessSecondsBetween(s, a, b), bruteForceSeconds(s, a, b));
    }),
    { numRuns: 300 },
  );
});

test('property: the SQL table formula equals businessSecondsBetween', () => {
  fc.assert(
    fc.property(schedule, instant, instant, instant, instant, (s, w1, w2, x, y) => {
      // The table covers [from, to); a and b are taken inside it.
      const [from, to] = w1 <= w2 ? [w1, w2] : [w2, w1];
      const clamp = (t: number) => Math.min(Math.max(t, from), to);
      const [a, b] = [clamp(x), clamp(y)];
      const rows = cumulativeOpenSeconds(s, new Date(from), new Date(to));
      close(businessSecondsFromTable(rows, a, b), businessSecondsBetween(s, a, b));
      close(businessSecondsFromTable(rows, new Date(a), new Date(b)), businessSecondsBetween(s, a, b));
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        assert.ok(row.start < row.end);
        if (i > 0) {
          const prev = rows[i - 1]!;
          assert.ok(prev.end < row.start, 'rows are disjoint, sorted and not touching');
          close(row.cumulative_before, prev.cumulative_before + (prev.end.getTime() - prev.start.getTime()) / 1000);
        }
      }
    }),
    { numRuns: 500 },
  );
});

test('property: additivity, bounds and monotonicity', () => {
  fc.assert(
    fc.property(schedule, instant, instant, instant, (s, x, y, z) => {
      const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
      const ab = businessSecondsBetween(s, a, b);
      const bc = businessSecondsBetween(s, b, c);
      const ac = businessSecondsBetween(s, a, c);
      close(ac, ab + bc, 'additive');
      assert.ok(ab >= 0 && ab <= (b - a) / 1000, 'bounded by the calendar time');
      assert.ok(ac >= ab && ac >= bc, 'monotone');
      assert.equal(businessSecondsBetween(s, c, a), 0, 'reversed order gives 0');
      const intervals = openIntervals(s, a, c);
      close(
        intervals.reduce((sum, [p, q]) => sum + (q - p) / 1000, 0),
        ac,
        'intervals sum to the business time',
      );
    }),
    { numRuns: 500 },
  );
});

test('property: a 24/7 schedule gives the calendar time in every zone', () => {
  const zones = ['UTC', 'Europe/Vilnius', 'America/New_York'].map(alwaysOpen);
  fc.assert(
    fc.property(fc.constantFrom(...zones), instant, instant, (s, x, y) => {
      const [a, b] = x <= y ? [x, y] : [y, x];
      assert.equal(businessSecondsBetween(s, a, b), (b - a) / 1000);
    }),
    { numRuns: 300 },
  );
});
