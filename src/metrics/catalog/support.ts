import { DURATION, type MetricDef } from './types.ts';

const botOption = {
  id: 'include_bot',
  description: 'Count first responses sent by a bot (excluded by default).',
  values: ['false', 'true'],
  default: false,
} as const;

const aggregateOption = {
  id: 'aggregate',
  description: 'Statistic of the durations: median (type-7 percentile), mean or p90.',
  values: ['median', 'mean', 'p90'],
  default: 'median',
} as const;

const windowOption = {
  id: 'window_days',
  description: 'Days after which a new ticket from the same customer no longer counts as a repeat.',
  default: 7,
} as const;

function days(options: Record<string, string | number | boolean>): number {
  const value = Number(options.window_days ?? 7);
  return Number.isInteger(value) && value >= 0 && value <= 365 ? value : 7;
}

export const supportMetrics: MetricDef[] = [
  {
    id: 'tickets_created',
    names: { en: 'Tickets created', ru: 'Создано обращений', lt: 'Sukurta užklausų' },
    description: 'Tickets by creation time.',
    unit: 'count',
    direction: 'neutral',
    entity: 'tickets',
    time: 'created_at',
    population: 'all tickets',
    where: 'true',
    formula: { kind: 'count' },
    minSample: 0,
    uncertainty: 'none',
  },
  {
    id: 'tickets_resolved',
    names: { en: 'Tickets resolved', ru: 'Решено обращений', lt: 'Išspręsta užklausų' },
    description: 'Tickets by the time of their latest resolution.',
    unit: 'count',
    direction: 'neutral',
    entity: 'tickets',
    time: 'resolved_at',
    population: 'resolved tickets',
    where: 'e.resolved_at is not null',
    formula: { kind: 'count' },
    minSample: 0,
    uncertainty: 'none',
  },
  {
    id: 'backlog',
    names: { en: 'Backlog', ru: 'Открытые обращения', lt: 'Neišspręstos užklausos' },
    description: 'Tickets open at the end of the period: created before it and not resolved (or closed) by then.',
    unit: 'count',
    direction: 'lower_is_better',
    entity: 'tickets',
    time: 'created_at',
    population: 'tickets created before the end of the period',
    where: 'true',
    formula: { kind: 'open_at_end', until: 'coalesce(e.resolved_at, e.closed_at)' },
    minSample: 0,
    uncertainty: 'none',
  },
  {
    id: 'unanswered_tickets',
    names: { en: 'Unanswered tickets', ru: 'Обращения без ответа', lt: 'Neatsakytos užklausos' },
    description: 'Tickets created in the period that have no first response (yet).',
    unit: 'count',
    direction: 'lower_is_better',
    entity: 'tickets',
    time: 'created_at',
    population: 'tickets created in the period',
    where: 'true',
    formula: { kind: 'count', counted: 'e.first_response_at is null' },
    minSample: 0,
    uncertainty: 'none',
  },
  {
    id: 'first_response_time',
    names: { en: 'First response time', ru: 'Время первого ответа', lt: 'Pirmojo atsakymo laikas' },
    description:
      'first_response_at - created_at of tickets whose first response falls in the period; median by default. ' +
      'Bot first responses are excluded unless include_bot.',
    unit: 'seconds',
    direction: 'lower_is_better',
    entity: 'tickets',
    time: 'first_response_at',
    population: 'tickets answered in the period by a person (or a bot with include_bot)',
    where: 'e.first_response_at is not null and not e.first_response_by_bot',
    formula: { kind: 'distribution', value: DURATION },
    minSample: 30,
    uncertainty: 'none',
    options: [aggregateOption, botOption],
    sqlFor: (o) => ({
      where: `e.first_response_at is not null${o.include_bot === true || o.include_bot === 'true' ? '' : ' and not e.first_response_by_bot'}`,
    }),
    duration: { start: 'e.created_at', end: 'e.first_response_at' },
  },
  {
    id: 'resolution_time',
    names: { en: 'Resolution time', ru: 'Время решения', lt: 'Sprendimo laikas' },
    description:
      'resolved_at - created_at (full resolution, the latest one), placed by resolved_at; median by default.',
    unit: 'seconds',
    direction: 'lower_is_better',
    entity: 'tickets',
    time: 'resolved_at',
    population: 'tickets resolved in the period',
    where: 'e.resolved_at is not null',
    formula: { kind: 'distribution', value: DURATION },
    minSample: 30,
    uncertainty: 'none',
    options: [aggregateOption],
    duration: { start: 'e.created_at', end: 'e.resolved_at' },
  },
  {
    id: 'first_resolution_time',
    names: { en: 'First resolution time', ru: 'Время первого решения', lt: 'Pirmojo sprendimo laikas' },
    description: 'first_resolved_at - created_at, placed by first_resolved_at; median by default.',
    unit: 'seconds',
    direction: 'lower_is_better',
    entity: 'tickets',
    time: 'first_resolved_at',
    population: 'tickets first resolved in the period',
    where: 'e.first_resolved_at is not null',
    formula: { kind: 'distribution', value: DURATION },
    minSample: 30,
    uncertainty: 'none',
    options: [aggregateOption],
    duration: { start: 'e.created_at', end: 'e.first_resolved_at' },
  },
  {
    id: 'fcr_rate',
    names: {
      en: 'First contact resolution',
      ru: 'Решение с первого обращения (FCR)',
      lt: 'Išsprendimas iš pirmo karto (FCR)',
    },
    description:
      'Share of tickets resolved in the period with at most one agent reply, never reopened, and no new ticket ' +
      'from the same customer within window_days after resolution. Option one_touch: agent_replies < 2 only (Zendesk).',
    unit: 'ratio',
    direction: 'higher_is_better',
    entity: 'tickets',
    time: 'resolved_at',
    population: 'tickets resolved in the period',
    where: 'e.resolved_at is not null',
    formula: { kind: 'proportion', success: 'false' },
    minSample: 30,
    uncertainty: 'wilson',
    options: [
      windowOption,
      {
        id: 'one_touch',
        description: 'Zendesk one-touch: resolved with fewer than two agent replies.',
        values: ['false', 'true'],
        default: false,
      },
    ],
    sqlFor: (o) => ({
      formula: {
        kind: 'proportion',
        success:
          o.one_touch === true || o.one_touch === 'true'
            ? 'coalesce(e.agent_replies, 0) < 2'
            : // A later ticket is another ticket (resolved_at >= created_at is checked at import), so no
              // id comparison: the lookup stays an index-only scan of (org, customer, created_at).
              `coalesce(e.agent_replies, 0) <= 1 and e.reopen_count = 0 and not exists (select 1 from ticket n ` +
              `where n.org_id = e.org_id and n.customer_id = e.customer_id ` +
              `and n.created_at > e.resolved_at and n.created_at <= e.resolved_at + interval '${days(o)} days')`,
      },
    }),
  },
  {
    id: 'reopen_rate',
    names: { en: 'Reopen rate', ru: 'Доля повторно открытых', lt: 'Pakartotinai atidarytų dalis' },
    description: 'Tickets resolved in the period that were reopened at least once / tickets resolved.',
    unit: 'ratio',
    direction: 'lower_is_better',
    entity: 'tickets',
    time: 'resolved_at',
    population: 'tickets resolved in the period',
    where: 'e.resolved_at is not null',
    formula: { kind: 'proportion', success: 'e.reopen_count >= 1' },
    minSample: 30,
    uncertainty: 'wilson',
  },
  {
    id: 'repeat_contact_rate',
    names: { en: 'Repeat contact rate', ru: 'Доля повторных обращений', lt: 'Pakartotinių kreipimųsi dalis' },
    description:
      'Tickets created in the period whose customer opens another ticket within window_days / tickets created with a known customer.',
    unit: 'ratio',
    direction: 'lower_is_better',
    entity: 'tickets',
    time: 'created_at',
    population: 'tickets with a customer created in the period',
    where: 'e.customer_id is not null',
    formula: { kind: 'proportion', success: 'false' },
    minSample: 30,
    uncertainty: 'wilson',
    options: [windowOption],
    sqlFor: (o) => ({
      formula: {
        kind: 'proportion',
        success:
          `exists (select 1 from ticket n where n.org_id = e.org_id and n.customer_id = e.customer_id ` +
          `and n.created_at > e.created_at and n.created_at <= e.created_at + interval '${days(o)} days')`,
      },
    }),
  },
  {
    id: 'sla_first_response',
    names: { en: 'First response within SLA', ru: 'Первый ответ в рамках SLA', lt: 'Pirmasis atsakymas per SLA' },
    description:
      'Share of first responses in the period that came within target_seconds (default one hour) of creation.',
    unit: 'ratio',
    direction: 'higher_is_better',
    entity: 'tickets',
    time: 'first_response_at',
    population: 'tickets answered in the period by a person',
    where: 'e.first_response_at is not null and not e.first_response_by_bot',
    formula: { kind: 'proportion', success: `${DURATION} <= 3600` },
    minSample: 30,
    uncertainty: 'wilson',
    options: [{ id: 'target_seconds', description: 'The first-response target in seconds.', default: 3600 }, botOption],
    duration: { start: 'e.created_at', end: 'e.first_response_at' },
    sqlFor: (o) => {
      const target = Number(o.target_seconds ?? 3600);
      const seconds = Number.isFinite(target) && target > 0 ? Math.round(target) : 3600;
      return {
        where: `e.first_response_at is not null${o.include_bot === true || o.include_bot === 'true' ? '' : ' and not e.first_response_by_bot'}`,
        formula: { kind: 'proportion', success: `${DURATION} <= ${seconds}` },
      };
    },
  },
  {
    id: 'handle_time',
    names: { en: 'Handle time', ru: 'Время обработки', lt: 'Aptarnavimo trukmė' },
    description: 'Mean handle_time_seconds of tickets resolved in the period.',
    unit: 'seconds',
    direction: 'lower_is_better',
    entity: 'tickets',
    time: 'resolved_at',
    population: 'tickets resolved in the period with a handle time',
    where: 'e.resolved_at is not null',
    formula: { kind: 'mean', value: 'e.handle_time_seconds' },
    minSample: 30,
    uncertainty: 't-mean',
  },
  {
    id: 'replies_per_ticket',
    names: { en: 'Replies per ticket', ru: 'Ответов на обращение', lt: 'Atsakymų užklausai' },
    description: 'Mean agent_replies of tickets resolved in the period.',
    unit: 'number',
    direction: 'lower_is_better',
    entity: 'tickets',
    time: 'resolved_at',
    population: 'tickets resolved in the period with a reply count',
    where: 'e.resolved_at is not null',
    formula: { kind: 'mean', value: 'e.agent_replies' },
    minSample: 30,
    uncertainty: 't-mean',
  },
];
