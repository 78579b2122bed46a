import { sql, type RawBuilder } from 'kysely';
import { cumulativeOpenSeconds } from '../calendar/business-hours.ts';
import type { Db } from '../db/connect.ts';
import type { BusinessHours, Organization } from '../orgs/index.ts';
import { DURATION, type MetricDef } from './catalog/types.ts';
import { METRIC_ENTITIES } from './entities.ts';
import type { PreparedMetric } from './kinds/index.ts';

/**
 * Durations in calendar time or in business hours. A metric with a `duration` writes `{duration}`
 * (DURATION) in its SQL where the measured seconds go; a query fills it with the calendar
 * seconds between the two timestamps, or with business_hours the open seconds between them
 * (docs/metrics.md, "Business hours").
 */
export function durationSql(duration: NonNullable<MetricDef['duration']>, businessHours: boolean): string {
  const { start, end } = duration;
  return businessHours
    ? `(${openSecondsUntil(end)} - ${openSecondsUntil(start)})`
    : `extract(epoch from ${end} - ${start})`;
}

/** The SQL of a metric (where, formula) with its duration filled in. */
export function withDuration<T>(metric: MetricDef, value: T, businessHours: boolean): T {
  if (!metric.duration) return value;
  const seconds = JSON.stringify(durationSql(metric.duration, businessHours)).slice(1, -1);
  return JSON.parse(JSON.stringify(value).replaceAll(DURATION, seconds)) as T;
}

/**
 * SQL for C(t), the open seconds of the business calendar up to instant t, from arrays of the
 * open intervals (epoch seconds) joined in as `bh`: width_bucket finds the last interval starting
 * at or before t by binary search. Business seconds between a and b are C(b) - C(a).
 */
function openSecondsUntil(t: string): string {
  const x = `extract(epoch from ${t})`;
  const i = `width_bucket(${x}, bh.starts)`;
  return (
    `(case when ${t} is null then null when ${i} = 0 then 0 else bh.before[${i}] + ` +
    `greatest(0, least(${x} - bh.starts[${i}], bh.ends[${i}] - bh.starts[${i}])) end)`
  );
}

/**
 * The business calendars as arrays for `bh`, covering every open interval that can matter: one
 * row per team with its own schedule and one (team '') for everyone else, joined by the row's team.
 */
export async function businessCalendarSql(
  db: Db,
  org: Organization,
  item: PreparedMetric,
  hours: BusinessHours,
  fromInstant: string,
  toInstant: string,
): Promise<RawBuilder<unknown>> {
  const { start } = item.metric.duration!;
  const earliest = await sql<{ first: Date | null }>`
    select min(${sql.raw(start)}) as first from ${sql.raw(METRIC_ENTITIES[item.metric.entity].table)} e
    where e.org_id = ${org.id}::uuid and ${sql.raw(`e.${item.metric.time}`)} >= ${fromInstant}::timestamptz
      and ${sql.raw(`e.${item.metric.time}`)} < ${toInstant}::timestamptz and (${sql.raw(item.where)})`.execute(
    db.kysely,
  );
  const first = earliest.rows[0]?.first ?? new Date(fromInstant);
  const teams = Object.keys(hours.teams);
  const calendars = [['', hours.organization] as const, ...Object.entries(hours.teams)].map(([team, schedule]) => {
    const rows = cumulativeOpenSeconds(
      schedule,
      new Date(first.getTime() - 86_400_000),
      new Date(Date.parse(toInstant) + 86_400_000),
    );
    return {
      team,
      starts: rows.map((r) => r.start.getTime() / 1000),
      ends: rows.map((r) => r.end.getTime() / 1000),
      before: rows.map((r) => r.cumulative_before),
    };
  });
  const teamOf = teams.length ? sql`case when e.team_id = any(${teams}::text[]) then e.team_id else '' end` : sql`''`;
  return sql`join (select * from json_to_recordset(${JSON.stringify(calendars)}::json)
    as x(team text, starts float8[], ends float8[], before float8[])) bh on bh.team = ${teamOf}`;
}
