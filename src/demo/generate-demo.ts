/**
 * Seeded, deterministic demo data for cxkpi: a mid-size Baltic SaaS company (invoicing software,
 * "Balta Ledger") with a support department, over a window of months ending at `end`.
 * Same options -> byte-identical output. Only Node built-ins; all randomness comes from the
 * seeded generator in random.ts.
 *
 * Stories the data is built to show (also exported as DEMO_STORIES for the docs):
 * 1. Slow Technical Support: the team is understaffed for its ticket mix. Its first responses
 *    are drawn 3x slower (business time), so its median first response is 2-3x the other
 *    teams'; slow answers and reopens lower CSAT, giving ~70 % top-2-box against ~88 %.
 * 2. Detractors churn: each month a customer's churn hazard is multiplied by the group of its
 *    latest NPS answer (promoter 0.6, passive 1, detractor 1.8: ~3x) and by a recent low CSAT
 *    (<= 2 in the last 90 days: x1.8). Only answers submitted before the month count.
 * 3. Basic price increase: in month 7 of 12 the Basic plan goes from 29 to 35 EUR/month
 *    (announced about four weeks earlier). Basic customers get an extra churn hazard that month
 *    (cancel_reason 'price'); those who stay move to 35 EUR on their renewal day as a NEW
 *    subscription row (the old row ends at the same instant, attributes.change =
 *    'price_increase'), so MRR history stays correct. New Basic sign-ups pay 35 from month 7.
 * 4. Weekend backlog: agents work Mon-Fri 08:00-18:00 Europe/Vilnius (Lithuanian holidays off);
 *    tickets keep arriving in the evening and at the weekend (far fewer), and only urgent ones
 *    get an on-call answer, so the open backlog at Sunday 23:59 is well above Friday 09:00.
 *
 * Plan changes (upgrade, downgrade, price increase, reactivation after churn) always add a new
 * subscription row; the previous row ends at the instant the new one starts, except after a
 * churn, where the reactivation starts months later.
 */
import { Rng, WeightedSampler } from './random.ts';
import {
  BusinessCalendar,
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  addMonths,
  dateToDays,
  daysToDate,
  isoSecond,
} from './demo-calendar.ts';
import { localParts, localToUtcMs } from '../calendar/zoned-time.ts';
import {
  AUTHOR_NAMES,
  BRAND_SYLLABLES,
  COMPANY_NAME_PARTS,
  ENPS_COMMENTS,
  FIRST_NAMES,
  LEGAL_FORM_BY_COUNTRY,
  ORGANIZATION_DOMAIN,
  ORGANIZATION_NAME,
  PRICE_COMPLAINTS,
  PRICE_REVIEW_TITLES,
  RELATIONSHIP_COMMENTS,
  REVIEW_TITLES,
  SUBJECTS,
  TICKET_COMMENTS,
  slugify,
  toAscii,
  type Lang,
} from './demo-text.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** One record of an entity, with the public field names of data-model.md. */
export type Rec = { [key: string]: JsonValue };

export interface DemoOptions {
  /** Seed of the random generator (default 42). */
  seed?: number;
  /** Exclusive end date 'YYYY-MM-DD' (local midnight in Europe/Vilnius), e.g. the first day of the current month. */
  end: string;
  /** Length of the window in months (default 12). */
  months?: number;
  /** Number of customers (default 5000). */
  customers?: number;
  /** Average tickets per month (default 50000 / 12). */
  ticketsPerMonth?: number;
}

export interface DemoData {
  organization: { name: string; timezone: 'Europe/Vilnius'; currency: 'EUR'; language: 'en' };
  teams: Rec[];
  agents: Rec[];
  customers: Rec[];
  subscriptions: Rec[];
  orders: Rec[];
  tickets: Rec[];
  survey_responses: Rec[];
  reviews: Rec[];
  costs: Rec[];
  fx_rates: Rec[];
}

export interface DemoStory {
  id: string;
  title: string;
  how_to_see: string;
}

export const DEMO_STORIES: readonly DemoStory[] = [
  {
    id: 'slow-technical-support',
    title: 'Technical Support answers slowly, and its customers are less satisfied',
    how_to_see:
      'Query first_response_time and csat by team over the whole year (cxkpi query first_response_time,csat ' +
      '--from <start> --to <end> --grain all --by team). Technical Support has a median first response 2-3x the ' +
      "other teams' and a CSAT of about 70 % against about 88 %; attribute_rating shows 'speed' lowest there. " +
      'Grouping csat by a first-response-time bucket shows satisfaction falling as answers get slower; within each ' +
      'bucket Technical Support is still lower (more back-and-forth and reopens).',
  },
  {
    id: 'detractors-churn',
    title: 'Detractors churn about three times as often as promoters',
    how_to_see:
      "Group customer_churn_rate by the customer's latest NPS group (and by latest CSAT): customers whose last NPS " +
      'answer was 0-6 churn about 3x as often in the following months as those who answered 9-10; a CSAT of 1-2 ' +
      "raises churn too, and such churns often carry cancel_reason 'poor_support'.",
  },
  {
    id: 'basic-price-increase',
    title: 'A Basic price increase (29 -> 35 EUR) in month 7 causes a churn spike',
    how_to_see:
      'customer_churn_rate by month (--grain month --by customer.plan): month 7 of the window jumps to about 2.5x ' +
      "the usual rate, almost all of it Basic customers with cancel_reason 'price'. mrr for Basic rises the same " +
      'month: customers who stay get a new subscription row at 35 EUR from their renewal day (attributes.change = ' +
      "'price_increase'). Billing tickets about the price, 1-star reviews and lower Basic NPS in the next wave follow.",
  },
  {
    id: 'weekend-backlog',
    title: 'Tickets pile up over the weekend',
    how_to_see:
      'backlog by day (--grain day): the open backlog at the end of Sunday is well above the backlog on Friday ' +
      'morning, and falls back by Monday evening. first_response_time of tickets created Friday evening to Sunday is ' +
      'measured in days; its business-hours variant removes most of that.',
  },
];

export const DEMO_TIMEZONE = 'Europe/Vilnius';
export const BASIC_PRICE_BEFORE = 29;
export const BASIC_PRICE_AFTER = 35;
export const PRO_PRICE = 99;

// ---------------------------------------------------------------------------------------------
// Static setup

type Segment = 'smb' | 'mid_market' | 'enterprise';
type Plan = 'basic' | 'pro' | 'enterprise';
type TeamKey = 'billing' | 'technical' | 'onboarding' | 'vip';
type Topic = 'billing' | 'technical' | 'onboarding' | 'account';
type Channel = 'email' | 'chat' | 'phone' | 'social' | 'web';
type Priority = 'low' | 'normal' | 'high' | 'urgent';

interface TeamSpec {
  key: TeamKey;
  id: string;
  name: string;
  /** Multiplies the first-response delay (business time). */
  firstResponseFactor: number;
  /** Multiplies the delay of later replies. */
  followUpFactor: number;
  handleFactor: number;
  reopenRate: number;
  /** Probabilities of 1..6 agent replies. */
  replies: readonly number[];
  /** Added to the log-odds of a satisfied customer. */
  satisfaction: number;
  cost: number;
}

const TEAMS: readonly TeamSpec[] = [
  {
    key: 'billing',
    id: 'team-billing',
    name: 'Billing',
    firstResponseFactor: 1,
    followUpFactor: 1,
    handleFactor: 1,
    reopenRate: 0.05,
    replies: [0.72, 0.16, 0.07, 0.03, 0.015, 0.005],
    satisfaction: 0,
    cost: 0,
  },
  {
    key: 'technical',
    id: 'team-technical',
    name: 'Technical Support',
    firstResponseFactor: 3,
    followUpFactor: 1.7,
    handleFactor: 1.35,
    reopenRate: 0.085,
    replies: [0.6, 0.2, 0.1, 0.055, 0.03, 0.015],
    satisfaction: -0.95,
    cost: 200,
  },
  {
    key: 'onboarding',
    id: 'team-onboarding',
    name: 'Onboarding',
    firstResponseFactor: 0.9,
    followUpFactor: 0.9,
    handleFactor: 1.2,
    reopenRate: 0.045,
    replies: [0.66, 0.18, 0.09, 0.04, 0.02, 0.01],
    satisfaction: 0.05,
    cost: 0,
  },
  {
    key: 'vip',
    id: 'team-vip',
    name: 'VIP Accounts',
    firstResponseFactor: 0.45,
    followUpFactor: 0.6,
    handleFactor: 1.25,
    reopenRate: 0.04,
    replies: [0.66, 0.18, 0.09, 0.04, 0.02, 0.01],
    satisfaction: 0.25,
    cost: 450,
  },
];
const TEAM_BY_KEY = new Map(TEAMS.map((t) => [t.key, t]));

type Seniority = 'junior' | 'mid' | 'senior';
interface AgentSpec {
  name: string;
  team: TeamKey;
  langs: readonly Lang[];
  seniority: Seniority;
  /** Days employed before the window starts, or a window month (0-based) of hiring. */
  tenureDays?: number;
  hiredInMonth?: number;
  /** Window month (0-based) in which the agent leaves, on the 14th day. */
  leavesInMonth?: number;
}

const AGENT_SPECS: readonly AgentSpec[] = [
  { name: 'Rūta Kazlauskienė', team: 'billing', langs: ['lt', 'ru', 'en'], seniority: 'senior', tenureDays: 1400 },
  { name: 'Olga Smirnova', team: 'billing', langs: ['ru', 'lt', 'en'], seniority: 'senior', tenureDays: 1100 },
  { name: 'Tomas Petrauskas', team: 'billing', langs: ['lt', 'en'], seniority: 'junior', tenureDays: 300 },
  { name: 'Emily Carter', team: 'billing', langs: ['en'], seniority: 'mid', tenureDays: 620 },
  { name: 'Jelena Ivanova', team: 'billing', langs: ['ru', 'en'], seniority: 'mid', tenureDays: 800, leavesInMonth: 3 },
  { name: 'Mantas Jankauskas', team: 'technical', langs: ['lt', 'en'], seniority: 'senior', tenureDays: 1500 },
  { name: 'Dmitrij Kuznecov', team: 'technical', langs: ['ru', 'lt', 'en'], seniority: 'senior', tenureDays: 1200 },
  { name: 'Lukas Butkus', team: 'technical', langs: ['lt', 'en'], seniority: 'mid', tenureDays: 700 },
  { name: 'James Whitfield', team: 'technical', langs: ['en'], seniority: 'mid', tenureDays: 520 },
  { name: 'Aleksandr Volkov', team: 'technical', langs: ['ru', 'en'], seniority: 'junior', tenureDays: 210 },
  { name: 'Eglė Stankevičiūtė', team: 'technical', langs: ['lt', 'en'], seniority: 'junior', tenureDays: 150 },
  { name: 'Paulius Vaitkus', team: 'technical', langs: ['lt', 'en'], seniority: 'junior', hiredInMonth: 4 },
  { name: 'Ieva Paulauskaitė', team: 'onboarding', langs: ['lt', 'en'], seniority: 'senior', tenureDays: 900 },
  { name: 'Sophie Turner', team: 'onboarding', langs: ['en'], seniority: 'mid', tenureDays: 450 },
  { name: 'Natalja Orlova', team: 'onboarding', langs: ['ru', 'lt', 'en'], seniority: 'mid', tenureDays: 380 },
  { name: 'Gabija Žukauskaitė', team: 'onboarding', langs: ['lt', 'en'], seniority: 'junior', hiredInMonth: 7 },
  { name: 'Darius Žemaitis', team: 'vip', langs: ['lt', 'en', 'ru'], seniority: 'senior', tenureDays: 1800 },
  { name: 'Irina Morozova', team: 'vip', langs: ['ru', 'en'], seniority: 'senior', tenureDays: 1300 },
  { name: 'Daniel Brooks', team: 'vip', langs: ['en'], seniority: 'senior', tenureDays: 990 },
  { name: 'Jurgita Vaitkutė', team: 'vip', langs: ['lt', 'en'], seniority: 'mid', tenureDays: 600 },
];

const SALARY: Record<Seniority, number> = { junior: 2300, mid: 2700, senior: 3200 };
/** Monthly equipment and training budget per agent, on top of the employer's salary cost. */
const SEAT_OVERHEAD = 60;

const SEGMENT_WEIGHTS: Record<Segment, number> = { smb: 0.7, mid_market: 0.22, enterprise: 0.08 };
const PLAN_BY_SEGMENT: Record<Segment, Record<Plan, number>> = {
  smb: { basic: 0.66, pro: 0.34, enterprise: 0 },
  mid_market: { basic: 0.15, pro: 0.7, enterprise: 0.15 },
  enterprise: { basic: 0, pro: 0.15, enterprise: 0.85 },
};
const COUNTRY_WEIGHTS = { LT: 34, LV: 14, EE: 11, PL: 10, DE: 9, GB: 7, US: 5, FI: 3, SE: 2, NL: 2, UA: 2 };
const LANGUAGE_BY_COUNTRY: Record<string, Record<Lang, number>> = {
  LT: { lt: 0.7, ru: 0.15, en: 0.15 },
  LV: { en: 0.6, ru: 0.4, lt: 0 },
  EE: { en: 0.62, ru: 0.38, lt: 0 },
  PL: { en: 0.92, ru: 0.08, lt: 0 },
  UA: { ru: 0.6, en: 0.4, lt: 0 },
  default: { en: 1, ru: 0, lt: 0 },
};
const ACQUISITION_CHANNELS = { organic: 35, paid_search: 25, referral: 15, partner: 12, social: 13 };
type AcquisitionChannel = keyof typeof ACQUISITION_CHANNELS;
const ACQUISITION_COST: Record<AcquisitionChannel, number> = {
  organic: 60,
  paid_search: 320,
  referral: 110,
  partner: 450,
  social: 210,
};
const ACQUISITION_DESCRIPTION: Record<AcquisitionChannel, string> = {
  organic: 'Content, SEO and webinars',
  paid_search: 'Google Ads and Bing campaigns',
  referral: 'Customer referral rewards',
  partner: 'Accounting-partner commissions',
  social: 'LinkedIn and Facebook campaigns',
};
const SEGMENT_COST_FACTOR: Record<Segment, number> = { smb: 1, mid_market: 2.2, enterprise: 5 };
const INDUSTRIES = [
  'retail',
  'logistics',
  'construction',
  'professional_services',
  'hospitality',
  'manufacturing',
  'it',
  'healthcare',
  'ecommerce',
];

/** Base monthly churn hazard by segment (before the NPS, CSAT and tenure multipliers). */
const CHURN_HAZARD: Record<Segment, number> = { smb: 0.027, mid_market: 0.016, enterprise: 0.007 };
/** Extra churn hazard of Basic customers in the month of the price increase. */
const PRICE_CHURN_HAZARD = 0.075;
const NPS_CHURN_MULTIPLIER = { promoter: 0.6, passive: 1, detractor: 1.8 };
const CANCEL_REASONS = {
  no_longer_needed: 25,
  business_closed: 12,
  switched_competitor: 18,
  missing_features: 20,
  price: 12,
  poor_support: 8,
  other: 5,
};
/** Reasons of customers with a recent low CSAT or a detractor NPS. */
const CANCEL_REASONS_UNHAPPY = { ...CANCEL_REASONS, poor_support: 40 };
const ANONYMOUS_LANGUAGES: Record<Lang, number> = { en: 0.6, lt: 0.28, ru: 0.12 };

const SUBTOPICS: Record<Topic, Record<string, number>> = {
  billing: { invoice: 30, payment_failed: 22, refund: 12, vat: 14, plan_change: 14, cancellation: 8 },
  technical: { bug: 26, bank_sync: 24, api: 10, login: 18, performance: 10, mobile_app: 12 },
  onboarding: { setup: 28, data_import: 22, user_invites: 16, how_to: 28, training: 6 },
  account: { contract: 40, seats: 35, sso: 25 },
};
const TOPIC_WEIGHTS: Record<Segment | 'anonymous', Record<Topic, number>> = {
  smb: { billing: 27, technical: 43, onboarding: 30, account: 0 },
  mid_market: { billing: 25, technical: 42, onboarding: 23, account: 10 },
  enterprise: { billing: 15, technical: 40, onboarding: 15, account: 30 },
  anonymous: { billing: 30, technical: 20, onboarding: 50, account: 0 },
};
/** New customers (first 60 days) ask onboarding questions three times as often. */
const NEWCOMER_TOPIC_WEIGHTS = Object.fromEntries(
  (['smb', 'mid_market', 'enterprise'] as const).map((s) => [
    s,
    { ...TOPIC_WEIGHTS[s], onboarding: TOPIC_WEIGHTS[s].onboarding * 3 },
  ]),
) as Record<Segment, Record<Topic, number>>;
const TOPIC_OF_SUBTOPIC = new Map<string, Topic>([['price_increase', 'billing']]);
for (const topic of Object.keys(SUBTOPICS) as Topic[]) {
  for (const sub of Object.keys(SUBTOPICS[topic])) TOPIC_OF_SUBTOPIC.set(sub, topic);
}
const TEAM_OF_TOPIC: Record<Topic, TeamKey> = {
  billing: 'billing',
  technical: 'technical',
  onboarding: 'onboarding',
  account: 'vip',
};

const hourSampler = (weights: readonly number[]) =>
  new WeightedSampler(
    weights.map((_, h) => h),
    weights,
  );
/** Ticket arrivals by local hour (weekday and weekend shapes). */
const HOURS_WEEKDAY = hourSampler([
  0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 1, 2.5, 5.5, 8, 8.5, 8, 6.5, 7, 7.5, 7, 6, 4.5, 3, 2.2, 1.8, 1.4, 0.9, 0.5,
]);
const HOURS_WEEKEND = hourSampler([
  0.4, 0.25, 0.15, 0.1, 0.1, 0.2, 0.4, 0.8, 1.5, 2.5, 3, 3.2, 3, 3, 2.8, 2.6, 2.4, 2.2, 2, 2, 1.8, 1.4, 1, 0.6,
]);
const HOURS_OFFICE = hourSampler([0, 0, 0, 0, 0, 0, 0, 0.3, 2, 5, 6, 5, 3, 5, 6, 5, 4, 2, 0.5, 0, 0, 0, 0, 0]);
/** Sunday..Saturday. */
const DAY_WEIGHTS = [0.26, 1.3, 1.2, 1.15, 1.1, 0.95, 0.3];
const HOLIDAY_WEIGHT = 0.3;

const CHANNELS_OPEN: Record<Channel, number> = { email: 0.36, chat: 0.28, web: 0.16, phone: 0.14, social: 0.06 };
const CHANNELS_OPEN_VIP: Record<Channel, number> = { ...CHANNELS_OPEN, phone: 0.28 };
const CHANNELS_OPEN_ANONYMOUS: Record<Channel, number> = { ...CHANNELS_OPEN, phone: 0 };
const CHANNELS_CLOSED: Record<Channel, number> = { email: 0.45, chat: 0.22, web: 0.25, phone: 0, social: 0.08 };
const priorityTable = (
  low: number,
  normal: number,
  high: number,
  urgent: number,
): Record<Topic, Record<Priority, number>> => ({
  billing: { low, normal, high, urgent },
  technical: { low, normal, high, urgent: urgent * 1.5 },
  onboarding: { low, normal, high, urgent: urgent * 0.3 },
  account: { low, normal, high, urgent },
});
const PRIORITIES = { vip: priorityTable(0.1, 0.45, 0.3, 0.15), regular: priorityTable(0.2, 0.55, 0.19, 0.06) };
/** Median first response in business minutes, before team, priority and agent factors. */
const FIRST_RESPONSE_MINUTES: Record<Channel, number> = { chat: 3, phone: 1, social: 40, web: 100, email: 120 };
const PRIORITY_FACTOR: Record<Priority, number> = { urgent: 0.2, high: 0.5, normal: 1, low: 1.5 };
/** Chance that a ticket created outside business hours gets an on-call answer. */
const ON_CALL: Record<Priority, number> = { urgent: 0.55, high: 0.12, normal: 0.02, low: 0.01 };
const HANDLE_MINUTES: Record<Channel, number> = { email: 7, web: 6, social: 5, chat: 11, phone: 9 };

const ORDER_STATUSES = { completed: 0.95, refunded: 0.03, cancelled: 0.02 };
const ORDER_CHANNELS = { web: 0.65, in_app: 0.35 };
const REVIEW_LANGUAGES: Record<Lang, number> = { en: 0.55, lt: 0.28, ru: 0.17 };
const REVIEW_SOURCES = { google: 0.4, trustpilot: 0.4, app_store: 0.2 };

interface Product {
  key: string;
  eur: number;
  weights: Record<Segment, number>;
  maxQuantity: number;
}
const PRODUCTS: readonly Product[] = [
  { key: 'sms_pack', eur: 19.9, weights: { smb: 30, mid_market: 20, enterprise: 8 }, maxQuantity: 5 },
  { key: 'extra_storage', eur: 49, weights: { smb: 18, mid_market: 20, enterprise: 15 }, maxQuantity: 3 },
  { key: 'template_pack', eur: 29.5, weights: { smb: 22, mid_market: 10, enterprise: 4 }, maxQuantity: 1 },
  { key: 'onboarding_session', eur: 149, weights: { smb: 15, mid_market: 18, enterprise: 12 }, maxQuantity: 2 },
  { key: 'data_migration', eur: 390, weights: { smb: 6, mid_market: 14, enterprise: 18 }, maxQuantity: 1 },
  { key: 'training_workshop', eur: 690, weights: { smb: 1, mid_market: 8, enterprise: 20 }, maxQuantity: 1 },
  { key: 'api_overage', eur: 0, weights: { smb: 2, mid_market: 10, enterprise: 23 }, maxQuantity: 1 },
];

// ---------------------------------------------------------------------------------------------
// Simulation state

interface Agent {
  id: string;
  spec: AgentSpec;
  team: TeamSpec;
  email: string;
  hiredMs: number;
  leftMs: number;
  speed: number;
  skill: number;
  monthlyCost: number;
}

interface Subscription {
  id: string;
  plan: Plan;
  mrr: number;
  startMs: number;
  endMs?: number;
  cancelReason?: string;
  change?: string;
}

interface Customer {
  id: string;
  num: string;
  name: string;
  email: string;
  segment: Segment;
  country: string;
  language: Lang;
  signedUpMs: number;
  inWindow: boolean;
  channel: AcquisitionChannel;
  acquisitionCost?: number;
  industry: string;
  employees: number;
  renewalDay: number;
  ticketWeight: number;
  baseMood: number;
  recentMood: number;
  buyerRate: number;
  subs: Subscription[];
  nps: { ms: number; score: number }[];
  csat: { ms: number; score: number }[];
}

interface Arrival {
  ms: number;
  customer?: Customer;
  subtopic?: string;
  followUp?: boolean;
}

interface TicketSim {
  createdMs: number;
  customer?: Customer;
  agent: Agent;
  team: TeamSpec;
  channel: Channel;
  priority: Priority;
  topic: Topic;
  subtopic: string;
  subject: string;
  tags: string[];
  language: Lang;
  bot: boolean;
  firstResponseMs: number;
  humanFirstMs: number;
  agentReplyMs: number[];
  customerReplyMs: number[];
  handleSeconds: number[];
  firstResolvedMs: number;
  reopenMs: number[];
  resolvedMs: number;
  closedMs: number;
  /** Probability that this customer is satisfied (CSAT 4-5) with this ticket. */
  satisfaction: number;
  id?: string;
}

interface SurveySim {
  ms: number;
  rec: Rec;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const iso = isoSecond;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const ascii = (s: string) =>
  toAscii(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

function npsGroup(score: number): 'promoter' | 'passive' | 'detractor' {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

function currentSub(c: Customer): Subscription {
  return c.subs[c.subs.length - 1]!;
}

function isActiveAt(c: Customer, ms: number): boolean {
  for (let i = c.subs.length - 1; i >= 0; i--) {
    const s = c.subs[i]!;
    if (s.startMs <= ms && (s.endMs === undefined || ms < s.endMs)) return true;
    if (s.endMs !== undefined && s.endMs <= ms) return false;
  }
  return false;
}

function isActiveDuring(c: Customer, from: number, to: number): boolean {
  return c.subs.some((s) => s.startMs < to && (s.endMs === undefined || s.endMs > from));
}

// ---------------------------------------------------------------------------------------------

export function generateDemo(options: DemoOptions): DemoData {
  const seed = options.seed ?? 42;
  const months = options.months ?? 12;
  const customerCount = options.customers ?? 5000;
  const ticketsPerMonth = options.ticketsPerMonth ?? 50000 / 12;
  if (!Number.isInteger(months) || months < 1) throw new Error(`months must be a positive integer, got ${months}`);
  if (!Number.isInteger(customerCount) || customerCount < 1)
    throw new Error(`customers must be a positive integer, got ${customerCount}`);
  if (!(ticketsPerMonth >= 0)) throw new Error(`ticketsPerMonth must be >= 0, got ${ticketsPerMonth}`);
  dateToDays(options.end); // validates the date

  const zone = DEMO_TIMEZONE;
  const root = new Rng(seed);
  const endDate = options.end;
  const startDate = addMonths(endDate, -months);
  const periodDates: string[] = [];
  for (let m = 0; m <= months; m++) periodDates.push(m === months ? endDate : addMonths(endDate, m - months));
  const midnight = (date: string) => {
    const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
    return localToUtcMs(zone, y, mo, d);
  };
  const periodStart = periodDates.map(midnight);
  const startMs = periodStart[0]!;
  const endMs = periodStart[months]!;
  const periodOf = (ms: number) => {
    let m = 0;
    while (m + 1 < months && periodStart[m + 1]! <= ms) m++;
    return m;
  };

  const calendar = new BusinessCalendar(
    zone,
    daysToDate(dateToDays(startDate) - 40),
    daysToDate(dateToDays(endDate) + 120),
    8,
    18,
  );
  const dayRange = (from: number, to: number) => {
    const first = calendar.dayIndex(from);
    const last = calendar.dayIndex(to - 1);
    const out: number[] = [];
    for (let i = first; i <= last; i++) out.push(i);
    return out;
  };
  /** A random instant on a calendar day, the hour drawn from `hours`. */
  const timeOnDay = (rng: Rng, dayIndex: number, hours: WeightedSampler<number>) => {
    const day = calendar.days[dayIndex]!;
    return localToUtcMs(zone, day.year, day.month, day.day, hours.draw(rng), rng.int(0, 59), rng.int(0, 59));
  };
  const isWorkingDay = (dayIndex: number) => !Number.isNaN(calendar.days[dayIndex]!.openMs);
  /** A random office-hours instant in [from, to) on a working day (any day if none). */
  const officeTimeIn = (rng: Rng, from: number, to: number) => {
    if (to <= from) throw new Error('officeTimeIn: empty range');
    const days = dayRange(from, to);
    const working = days.filter(isWorkingDay);
    const pool = working.length > 0 ? working : days;
    for (let attempt = 0; attempt < 6; attempt++) {
      const ms = timeOnDay(rng, rng.pick(pool), HOURS_OFFICE);
      if (ms >= from && ms < to) return ms;
    }
    return from + rng.float() * (to - from);
  };

  const priceMonth = Math.max(0, Math.round((months * 7) / 12) - 1);
  const priceChangeMs = periodStart[priceMonth]!;
  const priceAnnouncedMs = Math.max(startMs, priceChangeMs - 28 * DAY_MS);
  const basicPrice = (ms: number) => (ms >= priceChangeMs ? BASIC_PRICE_AFTER : BASIC_PRICE_BEFORE);

  // ----- teams and agents --------------------------------------------------------------------
  const agentRng = root.fork('agents');
  const agents: Agent[] = AGENT_SPECS.map((spec, i) => {
    const team = TEAM_BY_KEY.get(spec.team)!;
    const [first, ...rest] = spec.name.split(' ');
    let hiredMs: number;
    if (spec.hiredInMonth !== undefined) {
      const m = Math.min(months - 1, spec.hiredInMonth);
      hiredMs = officeTimeIn(agentRng, periodStart[m]!, periodStart[m]! + 10 * DAY_MS);
    } else {
      const date = daysToDate(dateToDays(startDate) - (spec.tenureDays ?? 365));
      const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
      hiredMs = localToUtcMs(zone, y, mo, d, 9);
    }
    let leftMs = Infinity;
    if (spec.leavesInMonth !== undefined) {
      const m = Math.min(months - 1, spec.leavesInMonth);
      leftMs = periodStart[m]! + 13 * DAY_MS + 17 * HOUR_MS;
    }
    const seniorityFactor = spec.seniority === 'junior' ? 1.15 : spec.seniority === 'senior' ? 0.9 : 1;
    return {
      id: `ag-${pad(i + 1, 2)}`,
      spec,
      team,
      email: `${ascii(first!)}.${ascii(rest.join(''))}@${ORGANIZATION_DOMAIN}`,
      hiredMs,
      leftMs,
      speed: seniorityFactor * agentRng.lognormalMedian(1, 0.1),
      skill: (spec.seniority === 'junior' ? -0.15 : spec.seniority === 'senior' ? 0.15 : 0) + agentRng.normal(0, 0.08),
      monthlyCost: SALARY[spec.seniority] + team.cost + 10 * agentRng.int(-10, 10),
    };
  });
  const agentsByTeam = new Map<TeamKey, Agent[]>(TEAMS.map((t) => [t.key, agents.filter((a) => a.team.key === t.key)]));

  // ----- customers ---------------------------------------------------------------------------
  const custRng = root.fork('customers');
  const baseCount = Math.round(customerCount * 0.6);
  const newCount = customerCount - baseCount;
  const signupMs: { ms: number; inWindow: boolean }[] = [];
  const firstBaseDay = dateToDays(startDate) - 4 * 365;
  const lastBaseDay = dateToDays(startDate) - 1;
  for (let i = 0; i < baseCount; i++) {
    // More of the existing base signed up recently (the company grows).
    const age = Math.pow(custRng.float(), 1.6) * (lastBaseDay - firstBaseDay);
    const date = daysToDate(Math.max(firstBaseDay, Math.round(lastBaseDay - age)));
    const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
    const weekday = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
    const hours = weekday === 0 || weekday === 6 ? HOURS_WEEKEND : HOURS_WEEKDAY;
    signupMs.push({
      ms: localToUtcMs(zone, y, mo, d, hours.draw(custRng), custRng.int(0, 59), custRng.int(0, 59)),
      inWindow: false,
    });
  }
  // New customers per month: growth, a summer and December dip, a January boost.
  const monthWeights = periodDates.slice(0, months).map((date, m) => {
    const calendarMonth = Number(date.slice(5, 7));
    const season =
      calendarMonth === 1 ? 1.2 : calendarMonth === 7 || calendarMonth === 8 ? 0.8 : calendarMonth === 12 ? 0.75 : 1;
    return (1 + 0.05 * m) * season;
  });
  const weightSum = monthWeights.reduce((a, b) => a + b, 0);
  let assigned = 0;
  let cumulative = 0;
  for (let m = 0; m < months; m++) {
    cumulative += monthWeights[m]!;
    const upTo = Math.round((cumulative / weightSum) * newCount);
    const days = dayRange(periodStart[m]!, periodStart[m + 1]!);
    const dayWeights = days.map((d) => (isWorkingDay(d) ? 1 : 0.35));
    for (; assigned < upTo; assigned++) {
      const dayIndex = custRng.weighted(days, dayWeights);
      const weekday = calendar.days[dayIndex]!.weekday;
      const hours = weekday === 0 || weekday === 6 ? HOURS_WEEKEND : HOURS_WEEKDAY;
      let ms = timeOnDay(custRng, dayIndex, hours);
      ms = clamp(ms, periodStart[m]!, periodStart[m + 1]! - 1000);
      signupMs.push({ ms, inWindow: true });
    }
  }
  signupMs.sort((a, b) => a.ms - b.ms);

  const idWidth = Math.max(4, String(customerCount).length);
  const usedNames = new Set<string>();
  const companyName = (country: string) => {
    const parts = COMPANY_NAME_PARTS[country] ?? COMPANY_NAME_PARTS.default!;
    let form = LEGAL_FORM_BY_COUNTRY[country] ?? '{name}';
    if (country === 'LT' && custRng.chance(0.15)) form = '{name}, MB';
    for (let attempt = 0; attempt < 12; attempt++) {
      let base: string;
      if (attempt < 3 && custRng.chance(0.55)) {
        base = custRng.pick(parts.first) + parts.join + custRng.pick(parts.second);
      } else {
        const s = BRAND_SYLLABLES;
        base = custRng.pick(s.start) + (custRng.chance(0.6) ? custRng.pick(s.middle) : '') + custRng.pick(s.end);
      }
      const name = form.replace('{name}', base);
      if (!usedNames.has(name)) {
        usedNames.add(name);
        return { name, slug: slugify(base) };
      }
    }
    const base = `${custRng.pick(BRAND_SYLLABLES.start)}${custRng.pick(BRAND_SYLLABLES.end)} ${custRng.int(2, 99)}`;
    const name = form.replace('{name}', base);
    usedNames.add(name);
    return { name, slug: slugify(base) };
  };

  const customers: Customer[] = signupMs.map(({ ms, inWindow }, i) => {
    const num = pad(i + 1, idWidth);
    const segment = custRng.weightedKey(SEGMENT_WEIGHTS);
    const country = custRng.weightedKey(COUNTRY_WEIGHTS);
    const language = custRng.weightedKey(LANGUAGE_BY_COUNTRY[country] ?? LANGUAGE_BY_COUNTRY.default!);
    const channelTable =
      segment === 'enterprise'
        ? { organic: 15, paid_search: 15, referral: 25, partner: 40, social: 5 }
        : ACQUISITION_CHANNELS;
    const channel = custRng.weightedKey(channelTable);
    const { name, slug } = companyName(country);
    const tld = country === 'GB' ? 'co.uk' : country === 'US' ? 'com' : country.toLowerCase();
    const contact = ascii(custRng.pick(FIRST_NAMES[language]));
    const mailbox = custRng.weighted([contact, 'info', 'billing', 'accounting'], [0.55, 0.2, 0.15, 0.1]);
    const employees =
      segment === 'smb'
        ? custRng.int(1, 49)
        : segment === 'mid_market'
          ? custRng.int(50, 249)
          : Math.round(custRng.lognormalMedian(700, 0.7)) + 250;
    const plan = custRng.weightedKey(PLAN_BY_SEGMENT[segment]);
    const customer: Customer = {
      id: `c-${num}`,
      num,
      name,
      email: `${mailbox}@${slug}.${tld}.example`,
      segment,
      country,
      language,
      signedUpMs: ms,
      inWindow,
      channel,
      industry: custRng.pick(INDUSTRIES),
      employees,
      renewalDay: Math.min(28, localParts(zone, ms).day),
      ticketWeight: { smb: 1, mid_market: 2, enterprise: 3 }[segment] * custRng.lognormalMedian(1, 0.6),
      baseMood: custRng.normal(0, 0.5),
      recentMood: 0,
      buyerRate: custRng.chance({ smb: 0.3, mid_market: 0.45, enterprise: 0.6 }[segment])
        ? clamp(custRng.lognormalMedian(1.8, 0.45), 0.7, 4)
        : 0,
      subs: [],
      nps: [],
      csat: [],
    };
    if (inWindow) {
      customer.acquisitionCost = round2(
        ACQUISITION_COST[channel] * SEGMENT_COST_FACTOR[segment] * custRng.lognormalMedian(1, 0.35),
      );
    }
    customer.subs.push({ id: `sub-${num}-1`, plan, mrr: mrrFor(custRng, plan, ms), startMs: ms });
    return customer;
  });

  function mrrFor(rng: Rng, plan: Plan, ms: number): number {
    if (plan === 'basic') return basicPrice(ms);
    if (plan === 'pro') return PRO_PRICE;
    return Math.round(clamp(rng.lognormalMedian(900, 0.45), 450, 3000) / 10) * 10;
  }

  const addSubscription = (c: Customer, plan: Plan, ms: number, change: string, rng: Rng) => {
    const prev = currentSub(c);
    if (prev.endMs === undefined) prev.endMs = ms;
    const mrr = plan === 'enterprise' && prev.plan === 'enterprise' ? prev.mrr : mrrFor(rng, plan, ms);
    c.subs.push({ id: `sub-${c.num}-${c.subs.length + 1}`, plan, mrr, startMs: ms, change });
  };

  // ----- month-by-month simulation -----------------------------------------------------------
  const lifeRng = root.fork('lifecycle');
  const ticketRng = root.fork('tickets');
  const surveyRng = root.fork('surveys');
  const orderRng = root.fork('orders');

  const rating = (x: number) => clamp(Math.round(x), 1, 5);
  const pickComment = (bank: readonly (readonly string[])[], bucket: number) =>
    surveyRng.pick(bank[clamp(bucket, 0, bank.length - 1)]!);

  const tickets: Rec[] = [];
  const surveys: SurveySim[] = [];
  const orderSims: { ms: number; customer: Customer; rec: Rec }[] = [];
  let carried: Arrival[] = [];

  // Spread the primary ticket volume over days: weekday rhythm, holidays, slow growth.
  const growth = (m: number) => (months === 1 ? 1 : 0.85 + (0.3 * m) / (months - 1));
  const windowDays = dayRange(startMs, endMs);
  const dayWeight = (d: number) => {
    const day = calendar.days[d]!;
    const base = DAY_WEIGHTS[day.weekday]!;
    return (
      (day.holiday && day.weekday >= 1 && day.weekday <= 5 ? HOLIDAY_WEIGHT : base) * growth(periodOf(day.startMs))
    );
  };
  const totalDayWeight = windowDays.reduce((sum, d) => sum + dayWeight(d), 0);
  // Follow-ups, cancellation and price tickets come on top of the primary arrivals.
  const primaryTickets = ticketsPerMonth * months * 0.92;

  /** Renewal instant of a customer in a month: its billing day, during the night billing run. */
  const renewalIn = (c: Customer, m: number) => {
    const from = periodStart[m]!;
    const to = periodStart[m + 1]!;
    const days = dayRange(from, to);
    let dayIndex = days[days.length - 1]!;
    for (const d of days) {
      if (Number(calendar.days[d]!.date.slice(8, 10)) === c.renewalDay) {
        dayIndex = d;
        break;
      }
    }
    const day = calendar.days[dayIndex]!;
    const [y, mo, dd] = day.date.split('-').map(Number) as [number, number, number];
    return clamp(localToUtcMs(zone, y, mo, dd, 4, lifeRng.int(0, 59), lifeRng.int(0, 59)), from, to - 1000);
  };

  for (let m = 0; m < months; m++) {
    const from = periodStart[m]!;
    const to = periodStart[m + 1]!;
    const arrivals: Arrival[] = carried.filter((a) => a.ms < to);
    carried = carried.filter((a) => a.ms >= to);

    // Lifecycle: churn, price change, plan changes, reactivations.
    for (let ci = 0; ci < customers.length; ci++) {
      const c = customers[ci]!;
      if (c.signedUpMs >= from) break; // sorted by sign-up
      c.recentMood *= 0.8;
      const sub = currentSub(c);
      if (sub.endMs === undefined && sub.startMs < from) {
        let lastNps: { ms: number; score: number } | undefined;
        for (let i = 0; i < c.nps.length; i++) {
          const r = c.nps[i]!;
          if (r.ms < from && (!lastNps || r.ms >= lastNps.ms)) lastNps = r;
        }
        const npsFactor = lastNps ? NPS_CHURN_MULTIPLIER[npsGroup(lastNps.score)] : 1;
        let worstCsat = 5;
        for (let i = 0; i < c.csat.length; i++) {
          const r = c.csat[i]!;
          if (r.ms < from && r.ms >= from - 90 * DAY_MS && r.score < worstCsat) worstCsat = r.score;
        }
        const csatFactor = worstCsat <= 2 ? 1.8 : worstCsat === 3 ? 1.2 : 1;
        const tenureFactor = from - c.signedUpMs < 90 * DAY_MS ? 1.4 : 1;
        const hazard = CHURN_HAZARD[c.segment] * npsFactor * csatFactor * tenureFactor;
        const priceHazard = m === priceMonth && sub.plan === 'basic' ? PRICE_CHURN_HAZARD * npsFactor : 0;
        const churnProbability = 1 - (1 - hazard) * (1 - priceHazard);
        if (lifeRng.chance(churnProbability)) {
          const endAt = renewalIn(c, m);
          let reason: string;
          if (priceHazard > 0 && lifeRng.chance(priceHazard / (hazard + priceHazard))) reason = 'price';
          else {
            const unhappy = csatFactor > 1 || npsFactor > 1;
            reason = lifeRng.weightedKey(unhappy ? CANCEL_REASONS_UNHAPPY : CANCEL_REASONS);
          }
          sub.endMs = endAt;
          sub.cancelReason = reason;
          if (lifeRng.chance(reason === 'price' ? 0.45 : 0.3)) {
            const ticketFrom = Math.max(from, endAt - 8 * DAY_MS);
            if (endAt - HOUR_MS > ticketFrom) {
              arrivals.push({
                ms: officeTimeIn(lifeRng, ticketFrom, endAt - HOUR_MS),
                customer: c,
                subtopic: reason === 'price' && lifeRng.chance(0.5) ? 'price_increase' : 'cancellation',
              });
            }
          }
          continue;
        }
        if (m === priceMonth && sub.plan === 'basic' && sub.mrr < BASIC_PRICE_AFTER) {
          addSubscription(c, 'basic', renewalIn(c, m), 'price_increase', lifeRng);
          continue;
        }
        const up = sub.plan === 'basic' ? 0.007 : sub.plan === 'pro' && c.segment !== 'smb' ? 0.003 : 0;
        const down = sub.plan === 'pro' ? 0.0035 : sub.plan === 'enterprise' ? 0.002 : 0;
        const x = lifeRng.float();
        if (x < up) {
          addSubscription(
            c,
            sub.plan === 'basic' ? 'pro' : 'enterprise',
            officeTimeIn(lifeRng, from, to),
            'upgrade',
            lifeRng,
          );
        } else if (x < up + down) {
          addSubscription(
            c,
            sub.plan === 'pro' ? 'basic' : 'pro',
            officeTimeIn(lifeRng, from, to),
            'downgrade',
            lifeRng,
          );
        }
      } else if (sub.endMs !== undefined && sub.endMs < from - 45 * DAY_MS) {
        if (lifeRng.chance(0.012)) {
          addSubscription(
            c,
            sub.plan === 'enterprise' ? 'pro' : sub.plan,
            officeTimeIn(lifeRng, from, to),
            'reactivation',
            lifeRng,
          );
        }
      }
    }

    // Questions about the Basic price, from its announcement to the end of the price month.
    if (m === priceMonth || m === priceMonth - 1) {
      const askFrom = Math.max(from, priceAnnouncedMs);
      if (askFrom < to) {
        for (let ci = 0; ci < customers.length; ci++) {
          const c = customers[ci]!;
          if (c.signedUpMs >= from) break;
          const sub = currentSub(c);
          if (sub.plan === 'basic' && sub.endMs === undefined && lifeRng.chance(0.045)) {
            arrivals.push({ ms: officeTimeIn(lifeRng, askFrom, to), customer: c, subtopic: 'price_increase' });
          }
        }
      }
    }

    // Who can open tickets this month, weighted by segment and by how new they are.
    const candidates = customers.filter((c) => c.signedUpMs < to && isActiveDuring(c, from, to));
    const sampler = new WeightedSampler(
      candidates,
      candidates.map((c) => c.ticketWeight * (to - c.signedUpMs < 75 * DAY_MS ? 1.8 : 1)),
    );

    for (const d of dayRange(from, to)) {
      const day = calendar.days[d]!;
      const lambda = (primaryTickets * dayWeight(d)) / totalDayWeight;
      const n = ticketRng.poisson(lambda);
      const hours = day.weekday === 0 || day.weekday === 6 || day.holiday ? HOURS_WEEKEND : HOURS_WEEKDAY;
      for (let i = 0; i < n; i++) {
        const ms = timeOnDay(ticketRng, d, hours);
        if (ms >= from && ms < to) arrivals.push({ ms });
      }
    }

    const monthTickets: TicketSim[] = [];
    for (let i = 0; i < arrivals.length; i++) {
      const arrival = arrivals[i]!;
      const sim = simulateTicket(arrival, sampler);
      if (!sim) continue;
      monthTickets.push(sim);
      const next = followUpOf(sim, arrival);
      if (next) {
        if (next.ms < to) arrivals.push(next);
        else if (next.ms < endMs) carried.push(next);
      }
    }
    monthTickets.sort((a, b) => a.createdMs - b.createdMs);
    for (const t of monthTickets) {
      t.id = `t-${pad(tickets.length + 1, 6)}`;
      tickets.push(ticketRecord(t));
      afterTicket(t);
    }

    if (m % 3 === 1) npsWave(m);
    if (m % 3 === 2) enpsWave(m);
    monthOrders(m, from, to);
  }

  // ----- tickets -----------------------------------------------------------------------------
  function simulateTicket(arrival: Arrival, sampler: WeightedSampler<Customer>): TicketSim | undefined {
    const rng = ticketRng;
    const created = arrival.ms;
    if (created >= endMs) return undefined;
    let customer = arrival.customer;
    if (!customer && sampler.size > 0 && rng.chance(0.97)) {
      for (let attempt = 0; attempt < 8 && !customer; attempt++) {
        const c = sampler.draw(rng);
        if (isActiveAt(c, created)) customer = c;
      }
    }
    const language: Lang = customer ? customer.language : rng.weightedKey(ANONYMOUS_LANGUAGES);
    let subtopic = arrival.subtopic;
    let topic: Topic;
    if (subtopic) topic = TOPIC_OF_SUBTOPIC.get(subtopic)!;
    else {
      const weights = TOPIC_WEIGHTS[customer ? customer.segment : 'anonymous'];
      const newcomer = customer !== undefined && created - customer.signedUpMs < 60 * DAY_MS;
      topic = rng.weightedKey(customer && newcomer ? NEWCOMER_TOPIC_WEIGHTS[customer.segment] : weights);
      subtopic = rng.weightedKey(SUBTOPICS[topic]);
    }
    const vip = customer?.segment === 'enterprise';
    const teamKey: TeamKey = topic === 'account' || (vip && rng.chance(0.75)) ? 'vip' : TEAM_OF_TOPIC[topic];
    const team = TEAM_BY_KEY.get(teamKey)!;

    const open = calendar.isOpen(created);
    const channel = rng.weightedKey(
      open ? (customer ? (vip ? CHANNELS_OPEN_VIP : CHANNELS_OPEN) : CHANNELS_OPEN_ANONYMOUS) : CHANNELS_CLOSED,
    );
    const priority = rng.weightedKey(PRIORITIES[vip ? 'vip' : 'regular'][topic]);

    // Nobody is given new tickets in their last days before leaving.
    const teamAgents = agentsByTeam
      .get(teamKey)!
      .filter((a) => a.hiredMs <= created && created < a.leftMs - 3 * DAY_MS);
    const pool = teamAgents.length > 0 ? teamAgents : agentsByTeam.get(teamKey)!;
    const agent = rng.weighted(
      pool,
      pool.map((a) => (a.spec.langs.includes(language) ? 1 : 0.35) * (a.spec.seniority === 'junior' ? 0.85 : 1)),
    );

    // First response: a delay in business time (or clock time for on-call answers).
    const bot = channel === 'chat' && rng.chance(0.05);
    const sigma = channel === 'chat' || channel === 'phone' ? 0.8 : 1;
    const delay = rng.lognormalMedian(
      FIRST_RESPONSE_MINUTES[channel] * team.firstResponseFactor * PRIORITY_FACTOR[priority] * agent.speed,
      sigma,
    );
    const onCall = !open && rng.chance(ON_CALL[priority] + (teamKey === 'vip' ? 0.15 : 0));
    const botReply = created + rng.int(2, 20) * 1000;
    let humanFirst = onCall
      ? created + Math.max(1, delay * 2) * MINUTE_MS
      : calendar.addBusinessMinutes(created, Math.max(0.2, delay));
    // After a bot's answer an agent takes over, never before it.
    if (bot) humanFirst = Math.max(humanFirst, botReply + rng.int(30, 180) * 1000);
    const firstResponse = bot ? botReply : humanFirst;

    // Conversation: agent replies, customer replies in between; sometimes a long wait.
    // Reopens are decided first: with them a ticket still gets at most 6 agent replies.
    const reopens = rng.chance(team.reopenRate) ? (rng.chance(0.15) ? 2 : 1) : 0;
    let replies = Math.min(6 - reopens, rng.weightedIndex(team.replies) + 1);
    const longWait = rng.chance(teamKey === 'technical' ? 0.07 : 0.035);
    if (longWait && replies < 2) replies = 2;
    const longWaitAt = longWait ? rng.int(2, replies) : -1;
    const live = channel === 'chat' || channel === 'phone';
    const agentReplyMs = [humanFirst];
    const customerReplyMs: number[] = [];
    let cursor = humanFirst;
    for (let r = 2; r <= replies; r++) {
      let customerAt =
        cursor +
        (live && r <= 3
          ? rng.lognormalMedian(3, 0.6) * MINUTE_MS
          : clamp(rng.lognormalMedian(150, 1.2), 3, 5 * 24 * 60) * MINUTE_MS);
      // A long wait is either the customer taking days to answer (pending) or an internal
      // escalation after the customer's answer (open).
      const waitingOnCustomer = r === longWaitAt && rng.chance(0.5);
      const longWaitMs = r === longWaitAt ? clamp(rng.lognormalMedian(3, 0.5), 1, 10) * DAY_MS : 0;
      if (waitingOnCustomer) customerAt += longWaitMs;
      customerReplyMs.push(customerAt);
      if (!waitingOnCustomer) customerAt += longWaitMs;
      cursor =
        live && r <= 3
          ? customerAt + rng.lognormalMedian(2, 0.6) * MINUTE_MS
          : calendar.addBusinessMinutes(customerAt, rng.lognormalMedian(50 * team.followUpFactor * agent.speed, 1));
      agentReplyMs.push(cursor);
    }
    const firstResolved = cursor;
    const reopenMs: number[] = [];
    let resolved = firstResolved;
    {
      for (let r = 0; r < reopens; r++) {
        const reopenAt = resolved + clamp(rng.lognormalMedian(18 * 60, 0.9), 10, 3.5 * 24 * 60) * MINUTE_MS;
        reopenMs.push(reopenAt);
        customerReplyMs.push(reopenAt);
        resolved = calendar.addBusinessMinutes(
          reopenAt,
          rng.lognormalMedian(60 * team.followUpFactor * agent.speed, 1),
        );
        agentReplyMs.push(resolved);
      }
    }
    const closed =
      resolved +
      (rng.chance(0.3) ? clamp(rng.lognormalMedian(8 * 60, 1), 10, 3.5 * 24 * 60) * MINUTE_MS : 96 * HOUR_MS);
    const handleSeconds = agentReplyMs.map((_, i) =>
      Math.round(
        clamp(
          rng.lognormalMedian(HANDLE_MINUTES[channel] * team.handleFactor * (i === 0 ? 1.2 : 0.8) * 60, 0.55),
          30,
          7200,
        ),
      ),
    );

    // How likely the customer is satisfied: speed, reopens, back-and-forth, team, agent, mood.
    const hoursToFirstAnswer = (humanFirst - created) / HOUR_MS;
    const mood = customer ? customer.baseMood + customer.recentMood : 0;
    const logit =
      2.8 +
      team.satisfaction +
      agent.skill +
      0.45 * mood -
      0.42 * Math.log1p(hoursToFirstAnswer) -
      (reopenMs.length > 0 ? 1.1 : 0) -
      0.18 * (replies - 1) -
      (subtopic === 'price_increase' || subtopic === 'cancellation' ? 0.8 : 0);

    const subjects = SUBJECTS[subtopic]!;
    const tags = [topic, subtopic];
    if (vip) tags.push('vip');
    if (bot) tags.push('bot_handoff');
    if (arrival.followUp) tags.push('follow_up');
    return {
      createdMs: created,
      customer,
      agent,
      team,
      channel,
      priority,
      topic,
      subtopic,
      subject: rng.pick(subjects[language]),
      tags,
      language,
      bot,
      firstResponseMs: firstResponse,
      humanFirstMs: humanFirst,
      agentReplyMs,
      customerReplyMs,
      handleSeconds,
      firstResolvedMs: firstResolved,
      reopenMs,
      resolvedMs: resolved,
      closedMs: closed,
      satisfaction: sigmoid(logit),
    };
  }

  /** A repeat contact: the same customer writes again within a week of the answer. */
  function followUpOf(t: TicketSim, arrival: Arrival): Arrival | undefined {
    const rng = ticketRng;
    if (!t.customer || t.firstResolvedMs >= endMs) return undefined;
    let p =
      0.06 +
      (t.agentReplyMs.length >= 3 ? 0.06 : 0) +
      (t.reopenMs.length > 0 ? 0.08 : 0) +
      (t.satisfaction < 0.6 ? 0.05 : 0);
    if (arrival.followUp) p *= 0.5;
    if (!rng.chance(p)) return undefined;
    const dayIndex = calendar.dayIndex(t.resolvedMs + rng.range(0.05, 6.5) * DAY_MS);
    const weekday = calendar.days[dayIndex]!.weekday;
    let ms = timeOnDay(rng, dayIndex, weekday === 0 || weekday === 6 ? HOURS_WEEKEND : HOURS_WEEKDAY);
    if (ms <= t.resolvedMs) ms += DAY_MS;
    return { ms, customer: t.customer, subtopic: rng.chance(0.6) ? t.subtopic : undefined, followUp: true };
  }

  // ----- surveys -----------------------------------------------------------------------------

  /** Survey answers after a ticket, and the ticket's effect on the customer's mood. */
  function afterTicket(t: TicketSim) {
    const c = t.customer;
    if (!c || t.resolvedMs >= endMs) return;
    c.recentMood += 0.5 * (t.satisfaction - 0.82);
    const rng = surveyRng;
    const hoursToFirstAnswer = (t.humanFirstMs - t.createdMs) / HOUR_MS;
    const afterPrice =
      c.subs.some((s) => s.plan === 'basic' && s.startMs <= t.resolvedMs && (s.endMs ?? Infinity) > t.resolvedMs) &&
      t.resolvedMs >= priceAnnouncedMs;
    const base: Rec = {
      language: c.language,
      customer_id: c.id,
      ticket_id: t.id!,
      agent_id: t.agent.id,
      team_id: t.team.id,
      channel: t.channel,
    };

    if (rng.chance(t.reopenMs.length > 0 ? 0.31 : 0.25)) {
      const submitted = t.resolvedMs + clamp(rng.lognormalMedian(5, 1), 1, 47) * HOUR_MS;
      if (submitted < endMs) {
        const score = rng.chance(t.satisfaction)
          ? rng.chance(0.68)
            ? 5
            : 4
          : rng.weighted([3, 2, 1], [0.45, 0.25, 0.3]);
        const rec: Rec = { id: '', kind: 'csat', score, submitted_at: iso(submitted), survey: 'csat-after-ticket' };
        if (rng.chance([0.75, 0.65, 0.5, 0.36, 0.38][score - 1]!)) {
          rec.comment =
            score <= 2 && afterPrice && (t.subtopic === 'price_increase' || rng.chance(0.25))
              ? rng.pick(PRICE_COMPLAINTS[c.language])
              : pickComment(TICKET_COMMENTS[c.language], score - 1);
        }
        Object.assign(rec, base);
        if (rng.chance(0.7)) {
          const ratings: Rec = {
            speed: rating(score + 0.5 - 0.55 * Math.log1p(hoursToFirstAnswer) + rng.normal(0, 0.6)),
            friendliness: rating(score + 0.3 + t.agent.skill + rng.normal(0, 0.55)),
            competence: rating(score - (t.reopenMs.length > 0 ? 0.7 : 0) + 0.5 * t.agent.skill + rng.normal(0, 0.55)),
            communication: rating(score - 0.1 * (t.agentReplyMs.length - 1) + rng.normal(0, 0.55)),
          };
          if (rng.chance(t.topic === 'billing' ? 0.6 : 0.2)) {
            ratings.price = rating(3.7 + 0.3 * (score - 4) - (afterPrice ? 1.1 : 0) + rng.normal(0, 0.8));
          }
          rec.ratings = ratings;
        }
        surveys.push({ ms: submitted, rec });
        c.csat.push({ ms: submitted, score });
      }
    }

    if (t.channel !== 'phone' && rng.chance(0.1)) {
      const submitted = t.resolvedMs + clamp(rng.lognormalMedian(6, 1), 1, 47) * HOUR_MS;
      if (submitted < endMs) {
        const replies = t.agentReplyMs.length;
        const score = clamp(
          Math.round(
            2.2 + 4.4 * t.satisfaction - 0.35 * (replies - 1) - (t.reopenMs.length > 0 ? 0.8 : 0) + rng.normal(0, 0.9),
          ),
          1,
          7,
        );
        const rec: Rec = { id: '', kind: 'ces', score, submitted_at: iso(submitted), survey: 'ces-after-ticket' };
        if (rng.chance(score <= 3 ? 0.55 : 0.35))
          rec.comment = pickComment(TICKET_COMMENTS[c.language], [0, 0, 1, 2, 3, 3, 4][score - 1]!);
        Object.assign(rec, base);
        surveys.push({ ms: submitted, rec });
      }
    }
  }

  /** Quarterly relationship NPS: a sample of customers is invited, about a third answer. */
  function npsWave(m: number) {
    const rng = surveyRng;
    const from = periodStart[m]!;
    let dayIndex = calendar.dayIndex(from + 7 * DAY_MS);
    while (calendar.days[dayIndex]!.weekday !== 2) dayIndex++;
    const day = calendar.days[dayIndex]!;
    const [y, mo, d] = day.date.split('-').map(Number) as [number, number, number];
    const sentMs = localToUtcMs(zone, y, mo, d, 10);
    if (sentMs >= endMs) return;
    const wave = day.date.slice(0, 7);
    for (let ci = 0; ci < customers.length; ci++) {
      const c = customers[ci]!;
      if (c.signedUpMs >= sentMs - 30 * DAY_MS) break;
      if (!isActiveAt(c, sentMs) || !rng.chance(0.5)) continue;
      if (!rng.chance(c.segment === 'enterprise' ? 0.32 : 0.4)) continue;
      const submitted = sentMs + Math.min(rng.exponential(1.5), 14) * DAY_MS + rng.int(0, 3600) * 1000;
      if (submitted >= endMs) continue;
      const basicNow = currentSubAt(c, submitted)?.plan === 'basic';
      const priceShock =
        basicNow && submitted >= priceAnnouncedMs && submitted < priceChangeMs + 150 * DAY_MS ? 0.9 : 0;
      const segmentLift = c.segment === 'enterprise' ? 0.3 : c.segment === 'mid_market' ? 0.1 : 0;
      const mood = c.baseMood + c.recentMood;
      const score = clamp(Math.round(8.05 + 1.5 * mood + segmentLift - priceShock + rng.normal(0, 1.45)), 0, 10);
      const rec: Rec = { id: '', kind: 'nps', score, submitted_at: iso(submitted), survey: 'nps-relationship' };
      const group = npsGroup(score);
      if (rng.chance(group === 'detractor' ? 0.55 : group === 'passive' ? 0.3 : 0.4)) {
        rec.comment =
          priceShock > 0 && score <= 6 && rng.chance(0.5)
            ? rng.pick(PRICE_COMPLAINTS[c.language])
            : pickComment(
                RELATIONSHIP_COMMENTS[c.language],
                score <= 3 ? 0 : score <= 6 ? 1 : score <= 8 ? 2 : score === 9 ? 3 : 4,
              );
      }
      rec.language = c.language;
      rec.customer_id = c.id;
      rec.attributes = { wave };
      surveys.push({ ms: submitted, rec });
      c.nps.push({ ms: submitted, score });
    }
  }

  function currentSubAt(c: Customer, ms: number): Subscription | undefined {
    return c.subs.find((s) => s.startMs <= ms && (s.endMs === undefined || ms < s.endMs));
  }

  /** Quarterly anonymous eNPS of the support agents (team only, no agent id). */
  function enpsWave(m: number) {
    const rng = surveyRng;
    const sentMs = officeTimeIn(rng, periodStart[m]! + 14 * DAY_MS, periodStart[m]! + 18 * DAY_MS);
    for (const a of agents) {
      if (a.hiredMs > sentMs - 14 * DAY_MS || a.leftMs <= sentMs || !rng.chance(0.8)) continue;
      const submitted = sentMs + rng.range(0.05, 4) * DAY_MS;
      if (submitted >= endMs) continue;
      const teamMean = { billing: 7.6, technical: 5.8, onboarding: 8.1, vip: 8.4 }[a.team.key];
      const stressed = a.team.key === 'billing' && m >= priceMonth - 1 && m <= priceMonth + 1 ? 0.8 : 0;
      const score = clamp(Math.round(teamMean - stressed + rng.normal(0, 1.5)), 0, 10);
      const language = a.spec.langs[0]!;
      const rec: Rec = { id: '', kind: 'enps', score, submitted_at: iso(submitted), survey: 'enps-quarterly' };
      if (rng.chance(0.4)) rec.comment = pickComment(ENPS_COMMENTS[language], score <= 6 ? 0 : score <= 8 ? 1 : 2);
      rec.language = language;
      rec.team_id = a.team.id;
      surveys.push({ ms: submitted, rec });
    }
  }

  // ----- orders ------------------------------------------------------------------------------
  function monthOrders(m: number, from: number, to: number) {
    const rng = orderRng;
    for (let ci = 0; ci < customers.length; ci++) {
      const c = customers[ci]!;
      if (c.signedUpMs >= to) break;
      if (c.buyerRate === 0 || !isActiveDuring(c, from, to)) continue;
      const n = rng.poisson(c.buyerRate / 12);
      const orderFrom = Math.max(from, c.signedUpMs + HOUR_MS);
      for (let i = 0; i < n && orderFrom < to; i++) {
        const ms = officeTimeIn(rng, orderFrom, to);
        if (!isActiveAt(c, ms)) continue;
        const product = rng.weighted(
          PRODUCTS,
          PRODUCTS.map((p) => p.weights[c.segment]),
        );
        const quantity = rng.int(1, product.maxQuantity);
        const eur = product.key === 'api_overage' ? round2(rng.lognormalMedian(85, 0.6)) : product.eur * quantity;
        const usd = c.country === 'US' && rng.chance(0.85);
        const rec: Rec = {
          id: '',
          customer_id: c.id,
          amount: round2(usd ? eur * 1.08 : eur),
          currency: usd ? 'USD' : 'EUR',
          ordered_at: iso(ms),
          status: rng.weightedKey(ORDER_STATUSES),
          channel: c.segment === 'enterprise' && rng.chance(0.5) ? 'sales' : rng.weightedKey(ORDER_CHANNELS),
          attributes: { product: product.key, quantity },
        };
        orderSims.push({ ms, customer: c, rec });
      }
    }
  }

  // ----- output: tickets ---------------------------------------------------------------------

  function ticketRecord(t: TicketSim): Rec {
    let agentReplies = 0;
    let lastAgent = -Infinity;
    let handle = 0;
    for (let i = 0; i < t.agentReplyMs.length; i++) {
      const ms = t.agentReplyMs[i]!;
      if (ms >= endMs) continue;
      agentReplies++;
      lastAgent = Math.max(lastAgent, ms);
      handle += t.handleSeconds[i]!;
    }
    let customerReplies = 0;
    let lastCustomer = t.createdMs;
    for (let i = 0; i < t.customerReplyMs.length; i++) {
      const ms = t.customerReplyMs[i]!;
      if (ms >= endMs) continue;
      customerReplies++;
      lastCustomer = Math.max(lastCustomer, ms);
    }
    let reopens = 0;
    for (let i = 0; i < t.reopenMs.length; i++) if (t.reopenMs[i]! < endMs) reopens++;
    const answered = t.firstResponseMs < endMs;
    const resolved = t.resolvedMs < endMs;
    const closed = t.closedMs < endMs;
    const status = closed ? 'closed' : resolved ? 'solved' : lastAgent > lastCustomer ? 'pending' : 'open';
    // One literal with every field keeps one object shape for the common, complete ticket;
    // the few fields a ticket does not have are removed afterwards.
    const rec: Rec = {
      id: t.id!,
      customer_id: t.customer ? t.customer.id : '',
      agent_id: t.agent.id,
      team_id: t.team.id,
      channel: t.channel,
      priority: t.priority,
      status,
      subject: t.subject,
      tags: t.tags,
      created_at: iso(t.createdMs),
      first_response_at: answered ? iso(t.firstResponseMs) : '',
      first_resolved_at: t.firstResolvedMs < endMs ? iso(t.firstResolvedMs) : '',
      resolved_at: resolved ? iso(t.resolvedMs) : '',
      closed_at: closed ? iso(t.closedMs) : '',
      reopen_count: reopens,
      agent_replies: agentReplies,
      customer_replies: customerReplies,
      handle_time_seconds: handle,
      first_response_by_bot: t.bot,
      attributes: { language: t.language },
    };
    if (!t.customer) delete rec.customer_id;
    if (!answered) delete rec.first_response_at;
    if (t.firstResolvedMs >= endMs) delete rec.first_resolved_at;
    if (!resolved) delete rec.resolved_at;
    if (!closed) delete rec.closed_at;
    if (handle === 0) delete rec.handle_time_seconds;
    if (!answered) delete rec.first_response_by_bot;
    return rec;
  }

  // ----- output: customers and subscriptions -------------------------------------------------
  const customerRecs: Rec[] = customers.map((c) => {
    const rec: Rec = {
      id: c.id,
      name: c.name,
      email: c.email,
      segment: c.segment,
      plan: currentSub(c).plan,
      country: c.country,
      language: c.language,
      signed_up_at: iso(c.signedUpMs),
      acquisition_channel: c.channel,
    };
    if (c.acquisitionCost !== undefined) rec.acquisition_cost = c.acquisitionCost;
    // Accounts are billed in EUR (the price list); US customers pay their add-ons in USD.
    rec.currency = 'EUR';
    rec.attributes = { industry: c.industry, employees: c.employees };
    return rec;
  });

  const subscriptions: Rec[] = [];
  for (let ci = 0; ci < customers.length; ci++) {
    const c = customers[ci]!;
    for (const s of c.subs) {
      const rec: Rec = {
        id: s.id,
        customer_id: c.id,
        plan: s.plan,
        mrr: s.mrr,
        currency: 'EUR',
        started_at: iso(s.startMs),
      };
      if (s.endMs !== undefined) rec.ended_at = iso(s.endMs);
      if (s.cancelReason) rec.cancel_reason = s.cancelReason;
      if (s.change) rec.attributes = { change: s.change };
      subscriptions.push(rec);
    }
  }

  // ----- output: surveys, orders -------------------------------------------------------------
  surveys.sort((a, b) => a.ms - b.ms);
  const surveyRecs: Rec[] = surveys.map((s, i) => ((s.rec.id = `sr-${pad(i + 1, 6)}`), s.rec));

  orderSims.sort((a, b) => a.ms - b.ms);
  const orders: Rec[] = orderSims.map((o, i) => ((o.rec.id = `o-${pad(i + 1, 6)}`), o.rec));

  // ----- output: reviews ---------------------------------------------------------------------
  const reviewRng = root.fork('reviews');
  const reviewSims: { ms: number; rec: Rec }[] = [];
  for (let m = 0; m < months; m++) {
    const from = periodStart[m]!;
    const to = periodStart[m + 1]!;
    const priceEcho = m === priceMonth ? 2.4 : m === priceMonth - 1 || m === priceMonth + 1 ? 1.5 : 1;
    const n = reviewRng.poisson((customerCount / 5000) * 22 * priceEcho);
    const active = customers.filter((c) => c.signedUpMs < to && isActiveDuring(c, from, to));
    for (let i = 0; i < n; i++) {
      const days = dayRange(from, to);
      const ms = clamp(timeOnDay(reviewRng, reviewRng.pick(days), HOURS_WEEKEND), from, to - 1000);
      const customer = active.length > 0 && reviewRng.chance(0.35) ? reviewRng.pick(active) : undefined;
      const language: Lang = customer ? customer.language : reviewRng.weightedKey(REVIEW_LANGUAGES);
      const aboutPrice = priceEcho > 1 && ms >= priceAnnouncedMs && reviewRng.chance(0.45);
      const stars = aboutPrice
        ? reviewRng.chance(0.6)
          ? 1
          : 2
        : reviewRng.weighted([1, 2, 3, 4, 5], [0.1, 0.07, 0.1, 0.23, 0.5]);
      let text: string;
      if (aboutPrice) text = reviewRng.pick(PRICE_COMPLAINTS[language]);
      else {
        const bank = RELATIONSHIP_COMMENTS[language][stars - 1]!;
        const first = reviewRng.int(0, bank.length - 1);
        text = bank[first]!;
        if (reviewRng.chance(0.35)) text += ' ' + bank[(first + reviewRng.int(1, bank.length - 1)) % bank.length]!;
      }
      const rec: Rec = {
        id: '',
        source: reviewRng.weightedKey(REVIEW_SOURCES),
        published_at: iso(ms),
        rating: stars,
        rating_max: 5,
        title: aboutPrice
          ? reviewRng.pick(PRICE_REVIEW_TITLES[language])
          : reviewRng.pick(REVIEW_TITLES[language][stars - 1]!),
        text,
        language,
        author: reviewRng.pick(AUTHOR_NAMES[language]),
      };
      if (customer) rec.customer_id = customer.id;
      reviewSims.push({ ms, rec });
    }
  }
  reviewSims.sort((a, b) => a.ms - b.ms);
  const reviews: Rec[] = reviewSims.map((r, i) => ((r.rec.id = `rv-${pad(i + 1, 4)}`), r.rec));

  // ----- output: costs -----------------------------------------------------------------------
  const costs: Rec[] = [];
  const lastDayOf = (m: number) => daysToDate(dateToDays(periodDates[m + 1]!) - 1);
  for (let m = 0; m < months; m++) {
    const from = periodStart[m]!;
    const to = periodStart[m + 1]!;
    const key = periodDates[m]!.slice(0, 7);
    for (const team of TEAMS) {
      let amount = 0;
      let people = 0;
      for (const a of agentsByTeam.get(team.key)!) {
        const overlap = Math.min(to, a.leftMs) - Math.max(from, a.hiredMs);
        if (overlap <= 0) continue;
        people++;
        amount += ((a.monthlyCost + SEAT_OVERHEAD) * overlap) / (to - from);
      }
      costs.push({
        id: `cost-support-${team.id}-${key}`,
        category: 'support',
        amount: round2(amount),
        currency: 'EUR',
        period_start: periodDates[m]!,
        period_end: lastDayOf(m),
        team_id: team.id,
        description: `Salaries, payroll taxes and equipment (${people} agents)`,
      });
    }
    const byChannel = new Map<AcquisitionChannel, number>();
    for (let ci = 0; ci < customers.length; ci++) {
      const c = customers[ci]!;
      if (c.acquisitionCost === undefined || c.signedUpMs < from || c.signedUpMs >= to) continue;
      byChannel.set(c.channel, (byChannel.get(c.channel) ?? 0) + c.acquisitionCost);
    }
    for (const channel of Object.keys(ACQUISITION_CHANNELS) as AcquisitionChannel[]) {
      const amount = byChannel.get(channel);
      if (amount === undefined) continue;
      costs.push({
        id: `cost-acquisition-${channel.replace('_', '-')}-${key}`,
        category: 'acquisition',
        amount: round2(amount),
        currency: 'EUR',
        period_start: periodDates[m]!,
        period_end: lastDayOf(m),
        description: ACQUISITION_DESCRIPTION[channel],
      });
    }
  }
  const windowLast = daysToDate(dateToDays(endDate) - 1);
  costs.push({
    id: `cost-other-helpdesk-licence-${periodDates[0]!.slice(0, 7)}`,
    category: 'other',
    amount: round2(agents.length * 59 * months),
    currency: 'EUR',
    period_start: startDate,
    period_end: windowLast,
    description: `Helpdesk software licence, ${agents.length} seats, paid for the year`,
  });
  costs.push({
    id: `cost-other-survey-tool-${periodDates[0]!.slice(0, 7)}`,
    category: 'other',
    amount: round2(200 * months),
    currency: 'EUR',
    period_start: startDate,
    period_end: windowLast,
    description: 'Survey tool subscription (CSAT, CES and NPS e-mails)',
  });
  const costRng = root.fork('costs');
  for (let q = 0; q * 3 < months; q++) {
    const first = q * 3;
    const last = Math.min(months - 1, first + 2);
    costs.push({
      id: `cost-other-telephony-${periodDates[first]!.slice(0, 7)}`,
      category: 'other',
      amount: round2(costRng.range(1100, 1450)),
      currency: 'EUR',
      period_start: periodDates[first]!,
      period_end: lastDayOf(last),
      description: 'Cloud telephony for the phone line, quarterly invoice',
    });
  }
  const trainingMonth = Math.min(months - 1, 3);
  costs.push({
    id: `cost-other-training-team-technical-${periodDates[trainingMonth]!.slice(0, 7)}`,
    category: 'other',
    amount: 3200,
    currency: 'EUR',
    period_start: periodDates[trainingMonth]!,
    period_end: lastDayOf(trainingMonth),
    team_id: 'team-technical',
    description: 'Two-day troubleshooting workshop for Technical Support',
  });
  for (const a of agents) {
    if (a.spec.hiredInMonth === undefined) continue;
    const m = periodOf(a.hiredMs);
    costs.push({
      id: `cost-other-recruitment-${a.id}`,
      category: 'other',
      amount: 2500,
      currency: 'EUR',
      period_start: periodDates[m]!,
      period_end: lastDayOf(m),
      team_id: a.team.id,
      description: `Recruitment fee: ${a.spec.name}`,
    });
  }

  // ----- output: fx rates --------------------------------------------------------------------
  const fxRng = root.fork('fx');
  const fxRates: Rec[] = [];
  let rate = 0.925 + fxRng.normal(0, 0.005);
  for (let d = dateToDays(startDate) - 7; d < dateToDays(endDate); d++) {
    rate = clamp(rate + 0.08 * (0.925 - rate) + fxRng.normal(0, 0.0025), 0.9, 0.95);
    fxRates.push({ currency: 'USD', date: daysToDate(d), rate: Math.round(rate * 10000) / 10000 });
  }

  // ----- output: teams and agents ------------------------------------------------------------
  const teams: Rec[] = TEAMS.map((t) => ({ id: t.id, name: t.name }));
  const agentRecs: Rec[] = agents.map((a) => {
    const attributes: Rec = { seniority: a.spec.seniority, languages: a.spec.langs.join('|') };
    if (a.leftMs !== Infinity) attributes.left_on = localDateOf(a.leftMs);
    return {
      id: a.id,
      name: a.spec.name,
      email: a.email,
      team_id: a.team.id,
      active: a.leftMs === Infinity,
      hired_at: iso(a.hiredMs),
      attributes,
    };
  });

  function localDateOf(ms: number): string {
    const p = localParts(zone, ms);
    return `${p.year}-${pad(p.month, 2)}-${pad(p.day, 2)}`;
  }

  return {
    organization: { name: ORGANIZATION_NAME, timezone: 'Europe/Vilnius', currency: 'EUR', language: 'en' },
    teams,
    agents: agentRecs,
    customers: customerRecs,
    subscriptions,
    orders,
    tickets,
    survey_responses: surveyRecs,
    reviews,
    costs,
    fx_rates: fxRates,
  };
}
