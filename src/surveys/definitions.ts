import { sql } from 'kysely';
import { z } from 'zod';
import type { ServiceAttribute, Survey as SurveyAnswer, SurveyKind, SurveyList, SurveyStats } from '../contract/api.ts';
import type { Db } from '../db/connect.ts';
import type { Texts } from '../db/schema.ts';
import { AppError, badRequest, invalidInput, notFound } from '../errors.ts';
import { SURVEY_SCALES } from '../ingest/entities.ts';
import type { Organization } from '../orgs/index.ts';

/**
 * Survey definitions: what is asked (kind, question, follow-up, service attributes to rate, in
 * English, Russian and Lithuanian), when it is sent (after a solved ticket, in batches, or as a
 * recurring relationship survey), and the rules that protect customers (fatigue, reminders,
 * link lifetime, closing).
 */
export const LANGUAGES = ['en', 'ru', 'lt'] as const;
export type Language = (typeof LANGUAGES)[number];
// The HTTP contract's shapes (src/contract/api.ts); SURVEY_SCALES must have a scale for each kind.
export type { ServiceAttribute, SurveyKind, SurveyStats } from '../contract/api.ts';

/** The standard question of each kind, used when a survey does not write its own. */
export const DEFAULT_QUESTIONS: Record<SurveyKind, Texts> = {
  nps: {
    en: 'How likely are you to recommend us to a friend or colleague?',
    ru: 'Насколько вероятно, что вы порекомендуете нас другу или коллеге?',
    lt: 'Kaip tikėtina, kad rekomenduotumėte mus draugui ar kolegai?',
  },
  csat: {
    en: 'How satisfied are you with the help you received?',
    ru: 'Насколько вы довольны полученной помощью?',
    lt: 'Kiek esate patenkinti gauta pagalba?',
  },
  ces: {
    en: 'The company made it easy for me to handle my issue.',
    ru: 'Компания позволила мне легко решить мой вопрос.',
    lt: 'Įmonė leido man lengvai išspręsti mano klausimą.',
  },
  enps: {
    en: 'How likely are you to recommend our company as a place to work?',
    ru: 'Насколько вероятно, что вы порекомендуете нашу компанию как место работы?',
    lt: 'Kaip tikėtina, kad rekomenduotumėte mūsų įmonę kaip darbovietę?',
  },
  rating: {
    en: 'How would you rate our service?',
    ru: 'Как вы оцениваете наше обслуживание?',
    lt: 'Kaip įvertintumėte mūsų aptarnavimą?',
  },
};

export const DEFAULT_FOLLOW_UP: Texts = {
  en: 'What is the main reason for your score?',
  ru: 'Какова главная причина вашей оценки?',
  lt: 'Kokia pagrindinė jūsų įvertinimo priežastis?',
};

/** Service attributes customers can rate (1-5); an organization edits the list. */
export const DEFAULT_ATTRIBUTES: ServiceAttribute[] = [
  { key: 'speed', names: { en: 'Speed', ru: 'Скорость', lt: 'Greitis' } },
  { key: 'friendliness', names: { en: 'Friendliness', ru: 'Доброжелательность', lt: 'Draugiškumas' } },
  { key: 'competence', names: { en: 'Competence', ru: 'Компетентность', lt: 'Kompetencija' } },
  { key: 'communication', names: { en: 'Communication', ru: 'Общение', lt: 'Bendravimas' } },
  { key: 'price', names: { en: 'Price', ru: 'Цена', lt: 'Kaina' } },
];

const ZTexts = z.object({
  en: z.string().trim().min(1).max(500),
  ru: z.string().trim().min(1).max(500).optional(),
  lt: z.string().trim().min(1).max(500).optional(),
});

export const ZServiceAttributes = z
  .array(
    z.object({
      key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'is lowercase letters, digits and underscores'),
      names: ZTexts,
    }),
  )
  .max(30);

export const ZSurveyInput = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'is 2-63 lowercase letters, digits and dashes'),
    name: z.string().trim().min(1).max(200),
    kind: z.enum(Object.keys(SURVEY_SCALES) as [SurveyKind, ...SurveyKind[]]),
    question: ZTexts.optional(),
    /** An open question after the score; `true` for the standard one. */
    follow_up: z.union([ZTexts, z.boolean()]).default(true),
    attributes: z.array(z.string()).max(10).default([]),
    status: z.enum(['active', 'closed']).default('active'),
    closes_at: z.iso.datetime({ offset: true }).nullable().default(null),
    trigger: z
      .object({
        /** Invite the customer when a ticket is solved, this many minutes later. */
        ticket_solved: z
          .object({
            delay_minutes: z.number().int().min(0).max(43_200).default(60),
            channels: z.array(z.string()).optional(),
          })
          .optional(),
        /** A relationship survey: every active customer, every this many days. */
        recurring: z.object({ every_days: z.number().int().min(7).max(730) }).optional(),
      })
      .strict()
      .default({}),
    /** Do not invite the same customer more than once per this many days (any survey). */
    fatigue_days: z.number().int().min(0).max(730).default(30),
    /** One reminder to non-responders this many hours after the invitation; null for none. */
    reminder_hours: z.number().int().min(1).max(720).nullable().default(72),
    /** Links work this many days (and never after the survey closes). */
    link_days: z.number().int().min(1).max(365).default(30),
  })
  .strict();
export type SurveyInput = z.input<typeof ZSurveyInput>;

/** A survey definition; the shape is the HTTP contract's (GET /api/v1/surveys/{id}), with Dates. */
export type Survey = SurveyAnswer<Date>;

/** A text in every language: missing translations fall back to English. */
const fill = (texts: z.infer<typeof ZTexts>): Texts => ({
  en: texts.en,
  ru: texts.ru ?? texts.en,
  lt: texts.lt ?? texts.en,
});

export async function getServiceAttributes(db: Db, org: Organization): Promise<ServiceAttribute[]> {
  const row = await db.kysely.selectFrom('organization').select('settings').where('id', '=', org.id).executeTakeFirst();
  const stored = (row?.settings as { service_attributes?: unknown } | undefined)?.service_attributes;
  return stored
    ? ZServiceAttributes.parse(stored).map((a) => ({ key: a.key, names: fill(a.names) }))
    : DEFAULT_ATTRIBUTES;
}

export async function setServiceAttributes(db: Db, org: Organization, input: unknown): Promise<ServiceAttribute[]> {
  const parsed = ZServiceAttributes.safeParse(input);
  if (!parsed.success) throw invalidInput('invalid-survey', parsed.error.issues, 'survey');
  const keys = parsed.data.map((a) => a.key);
  if (new Set(keys).size !== keys.length) throw badRequest('invalid-attributes', 'Attribute keys must differ.');
  const attributes = parsed.data.map((a) => ({ key: a.key, names: fill(a.names) }));
  await sql`update organization set settings = jsonb_set(settings, '{service_attributes}', ${JSON.stringify(attributes)}::jsonb)
    where id = ${org.id}::uuid`.execute(db.kysely);
  return attributes;
}

/** Creates (mode create) or replaces (mode replace) a survey after validating it. */
export async function saveSurvey(
  db: Db,
  org: Organization,
  input: unknown,
  mode: 'create' | 'replace',
): Promise<Survey> {
  const parsed = ZSurveyInput.safeParse(input);
  if (!parsed.success) throw invalidInput('invalid-survey', parsed.error.issues, 'survey');
  const value = parsed.data;
  const known = (await getServiceAttributes(db, org)).map((a) => a.key);
  const unknown = value.attributes.filter((a) => !known.includes(a));
  if (unknown.length) {
    throw badRequest(
      'invalid-survey',
      `attributes: unknown ${unknown.join(', ')}; the organization's are ${known.join(', ')}.`,
    );
  }
  const row = {
    name: value.name,
    kind: value.kind,
    question: JSON.stringify(value.question ? fill(value.question) : DEFAULT_QUESTIONS[value.kind]),
    follow_up:
      value.follow_up === false
        ? null
        : JSON.stringify(value.follow_up === true ? DEFAULT_FOLLOW_UP : fill(value.follow_up)),
    attributes: value.attributes,
    status: value.status,
    closes_at: value.closes_at,
    trigger: JSON.stringify(value.trigger),
    fatigue_days: value.fatigue_days,
    reminder_hours: value.reminder_hours,
    link_days: value.link_days,
  };
  if (mode === 'create') {
    const created = await db.kysely
      .insertInto('survey')
      .values({ org_id: org.id, id: value.id, ...row })
      .onConflict((oc) => oc.columns(['org_id', 'id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!created) throw new AppError(409, 'survey-exists', `A survey "${value.id}" exists; replace it instead.`);
  } else {
    const updated = await db.kysely
      .updateTable('survey')
      .set({ ...row, updated_at: new Date() })
      .where('org_id', '=', org.id)
      .where('id', '=', value.id)
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw notFound('unknown-survey', `There is no survey "${value.id}".`);
  }
  return getSurvey(db, org, value.id);
}

export async function getSurvey(db: Db, org: Organization, id: string): Promise<Survey> {
  const survey = await db.kysely
    .selectFrom('survey')
    .selectAll()
    .where('org_id', '=', org.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!survey) throw notFound('unknown-survey', `There is no survey "${id}".`);
  const { org_id: _, ...rest } = survey;
  return rest as Survey;
}

/** Surveys with their counts (invitations, delivered, responded). */
export async function listSurveys(db: Db, org: Organization): Promise<SurveyList<Date>['surveys']> {
  const surveys = await db.kysely.selectFrom('survey').selectAll().where('org_id', '=', org.id).orderBy('id').execute();
  const counts = await db.kysely
    .selectFrom('survey_invitation')
    .select((eb) => [
      'survey_id',
      eb.fn.countAll<number>().as('invitations'),
      eb.fn.count<number>('sent_at').as('delivered'),
      eb.fn.count<number>('responded_at').as('responses'),
      sql<number>`count(*) filter (where sent_at is null and responded_at is not null)`.as('link_responses'),
    ])
    .where('org_id', '=', org.id)
    .groupBy('survey_id')
    .execute();
  return surveys.map(({ org_id: _, ...survey }) => {
    const c = counts.find((x) => x.survey_id === survey.id);
    const delivered = Number(c?.delivered ?? 0);
    const respondedDelivered = Number(c?.responses ?? 0) - Number(c?.link_responses ?? 0);
    return {
      ...(survey as Survey),
      stats: {
        invitations: Number(c?.invitations ?? 0),
        delivered,
        responses: Number(c?.responses ?? 0),
        response_rate: delivered ? respondedDelivered / delivered : null,
        unsent: Number(c?.invitations ?? 0) - delivered,
      },
    };
  });
}

/** The scale of a survey's score, and the score labels for its ends. */
export function scaleOf(kind: SurveyKind): [number, number] {
  return SURVEY_SCALES[kind];
}
