import { personOf, pick, tagList, translate, type Preset, type Values } from './preset.ts';

/**
 * Freshdesk ticket export (Tickets > Export, CSV or Excel). Times are written in the account's
 * time zone (`2026-03-02 09:15:00`). `Initial response time` is the first agent response (a
 * timestamp); the computed `First response time (in hrs)` and `Resolution time (in hrs)` are kept
 * as attributes and never override the timestamps. `Survey results` (the CSAT survey's answer)
 * becomes a CSAT answer linked to the ticket: Extremely happy/Awesome 5, Very happy/Happy 4,
 * Neutral/Just okay 3, Unhappy 2, Very unhappy/Extremely unhappy/Not good 1.
 */
const STATUS = {
  open: 'open',
  pending: 'pending',
  'waiting on customer': 'pending',
  'waiting on third party': 'pending',
  resolved: 'solved',
  closed: 'closed',
};
const PRIORITY = { low: 'low', medium: 'normal', high: 'high', urgent: 'urgent' };
const CHANNEL = {
  email: 'email',
  'outbound email': 'email',
  portal: 'web',
  'feedback widget': 'web',
  'feedback form': 'web',
  phone: 'phone',
  chat: 'chat',
  mobihelp: 'chat',
  twitter: 'social',
  facebook: 'social',
  whatsapp: 'social',
  ecommerce: 'other',
};
const SURVEY: Record<string, number> = {
  'extremely happy': 5,
  awesome: 5,
  'very happy': 4,
  happy: 4,
  neutral: 3,
  'just okay': 3,
  unhappy: 2,
  'very unhappy': 1,
  'extremely unhappy': 1,
  'not good': 1,
};

export const freshdesk: Preset = {
  name: 'freshdesk',
  entity: 'tickets',
  description: 'Freshdesk ticket export (CSV or Excel)',
  keepUnknown: true,
  signature: ['Ticket ID', 'Agent', 'Created time', 'Resolved time', 'Initial response time'],
  map: {
    'Ticket ID': 'id',
    Subject: 'subject',
    Status: 'status',
    Priority: 'priority',
    Source: 'channel',
    Type: 'attributes.type',
    Agent: 'agent_id',
    Group: 'team_id',
    'Created time': 'created_at',
    'Resolved time': 'resolved_at',
    'Closed time': 'closed_at',
    'Initial response time': 'first_response_at',
    'First response time (in hrs)': 'attributes.first_response_hours',
    'Resolution time (in hrs)': 'attributes.resolution_hours',
    Tags: 'tags',
    'Contact ID': 'customer_id',
    'Full name': 'attributes.contact_name',
    Email: 'attributes.contact_email',
    'Agent interactions': 'agent_replies',
    'Customer interactions': 'customer_replies',
    'Survey results': 'attributes.survey_result',
  },
  notes: {
    Agent: 'agent created or matched by name (or e-mail)',
    Group: 'team created or matched by name',
    'Contact ID': 'customer created or matched by id or e-mail (Full name, Email)',
    Status: 'Resolved -> solved; Waiting on Customer/Third Party -> pending',
    Priority: 'Medium -> normal',
    Source: 'Portal/Feedback Widget -> web, Outbound Email -> email, Twitter/Facebook/WhatsApp -> social',
    Tags: 'comma-separated',
    'Survey results': 'a CSAT answer (5-point, see below)',
  },
  prepare(input) {
    // The record is the importer's own: rewritten in place.
    const values: Values = input;
    translate(values, ['Status'], STATUS);
    translate(values, ['Priority'], PRIORITY);
    translate(values, ['Source'], CHANNEL);
    if (values.Tags !== undefined) values.Tags = tagList(values.Tags, /\s*,\s*/) ?? values.Tags;
    if (pick(values, 'Agent')?.toLowerCase() === 'no agent') values.Agent = '';
    return { values };
  },
  refs(values) {
    const agent = pick(values, 'Agent');
    const team = pick(values, 'Group');
    const customer = pick(values, 'Contact ID', 'Email');
    const name = pick(values, 'Full name');
    const email = pick(values, 'Email');
    return {
      ...(agent ? { agent: { key: agent, ...personOf(agent), ...(team ? { team } : {}) } } : {}),
      ...(team ? { team: { key: team, name: team } } : {}),
      ...(customer
        ? { customer: { key: customer, ...(name ? { name } : {}), ...(email ? { email: email.toLowerCase() } : {}) } }
        : {}),
    };
  },
  surveys(values, row) {
    const result = pick(values, 'Survey results');
    const score = result ? SURVEY[result.toLowerCase()] : undefined;
    if (score === undefined) return [];
    return [
      {
        id: `freshdesk-csat-${row.id as string}`,
        kind: 'csat',
        score,
        submitted_at: row.resolved_at ?? row.closed_at ?? row.created_at,
        survey: 'freshdesk-satisfaction',
        ticket_id: row.id,
        ...(row.agent_id ? { agent_id: row.agent_id } : {}),
        ...(row.team_id ? { team_id: row.team_id } : {}),
        ...(row.customer_id ? { customer_id: row.customer_id } : {}),
        attributes: { freshdesk_result: result },
      },
    ];
  },
};
