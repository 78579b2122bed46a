import { flatten, personOf, pick, tagList, unixSeconds, type Preset, type Values } from './preset.ts';

/**
 * Chatwoot. Two exports:
 * - the CSAT report download (Reports > CSAT > Download, CSV): `Agent name` ("Name (e-mail)"),
 *   `Rating` (1-5), `Feedback`, the contact's name, e-mail and phone, `Link to the conversation`
 *   and `Recorded at` (Rails writes `2026-03-02 09:15:00 UTC`). Each row is a CSAT answer whose id
 *   is `chatwoot-csat-<conversation number>` and whose ticket is that conversation. The file's last
 *   line, the report period, is skipped.
 * - conversations as the API lists them (JSON, Unix-second times): id, status, priority, labels,
 *   created_at, first_reply_created_at, meta.assignee, meta.team, meta.sender. The API gives no
 *   resolution time, so resolution KPIs need another source.
 */
const STATUS: Record<string, string> = { open: 'open', pending: 'pending', snoozed: 'pending', resolved: 'solved' };
const CHANNEL: Record<string, string> = {
  'channel::webwidget': 'chat',
  'channel::email': 'email',
  'channel::api': 'other',
  'channel::whatsapp': 'social',
  'channel::facebookpage': 'social',
  'channel::twitterprofile': 'social',
  'channel::instagram': 'social',
  'channel::telegram': 'social',
  'channel::line': 'social',
  'channel::sms': 'other',
  'channel::twiliosms': 'other',
  'channel::voice': 'phone',
};

const conversationNumber = (link: string | undefined) => (link ? /\/conversations\/(\d+)/.exec(link)?.[1] : undefined);

export const chatwootCsat: Preset = {
  name: 'chatwoot',
  entity: 'survey_responses',
  description: 'Chatwoot CSAT report download (CSV)',
  keepUnknown: true,
  signature: ['Agent name', 'Rating', 'Feedback', 'Link to the conversation'],
  set: { kind: 'csat', survey: 'chatwoot-csat', channel: 'chat' },
  map: {
    'Agent name': 'agent_id',
    'Assigned agent': 'agent_id',
    Rating: 'score',
    Feedback: 'comment',
    'Contact name': 'attributes.contact_name',
    'Contact email address': 'customer_id',
    'Contact email': 'customer_id',
    'Contact phone number': 'attributes.contact_phone',
    'Link to the conversation': 'ticket_id',
    'Conversation link': 'ticket_id',
    'Recorded at': 'submitted_at',
    'Recorded date': 'submitted_at',
  },
  notes: {
    'Agent name': '"Name (e-mail)": agent created or matched by e-mail or name',
    'Contact email address': 'customer created or matched by e-mail',
    'Link to the conversation': 'the conversation number is the ticket id (and the answer id: chatwoot-csat-N)',
    'Recorded at': '"2026-03-02 09:15:00 UTC"',
  },
  skip: (item) => item.type === 'broken' && item.raw !== undefined && !/[,;\t]/.test(item.raw),
  prepare(input) {
    const values: Values = { ...input };
    for (const column of ['Recorded at', 'Recorded date']) {
      const at = pick(values, column);
      if (at) values[column] = at.replace(/\s*UTC$/, 'Z');
    }
    for (const column of ['Link to the conversation', 'Conversation link']) {
      const number = conversationNumber(pick(values, column));
      if (number) {
        values[column] = number;
        values.id = `chatwoot-csat-${number}`;
      }
    }
    if (values.id === undefined) {
      return {
        values,
        errors: [
          { field: 'Link to the conversation', reason: 'is needed: the answer is identified by its conversation' },
        ],
      };
    }
    return { values };
  },
  refs(values) {
    const agentText = pick(values, 'Agent name', 'Assigned agent');
    const agent = personOf(agentText);
    const email = pick(values, 'Contact email address', 'Contact email');
    const name = pick(values, 'Contact name');
    return {
      ...(agentText ? { agent: { key: agent.email ?? agentText, ...agent } } : {}),
      ...(email ? { customer: { key: email, email: email.toLowerCase(), ...(name ? { name } : {}) } } : {}),
    };
  },
};

export const chatwootConversations: Preset = {
  name: 'chatwoot',
  entity: 'tickets',
  description: 'Chatwoot conversations (API JSON)',
  keepUnknown: true,
  signature: ['meta.assignee.name', 'first_reply_created_at', 'inbox_id'],
  map: {
    id: 'id',
    status: 'status',
    priority: 'priority',
    labels: 'tags',
    created_at: 'created_at',
    first_reply_created_at: 'first_response_at',
    'meta.assignee.name': 'agent_id',
    'meta.team.name': 'team_id',
    'meta.sender.id': 'customer_id',
    'meta.channel': 'channel',
  },
  notes: {
    status: 'resolved -> solved, snoozed -> pending',
    priority: 'medium -> normal',
    'meta.assignee.name': 'agent created or matched by e-mail (meta.assignee.email) or name',
    'meta.team.name': 'team created or matched by name',
    'meta.sender.id': 'customer created or matched by id or e-mail (meta.sender.email)',
    'meta.channel':
      'Channel::WebWidget -> chat, Channel::Email -> email, WhatsApp/Facebook/Instagram/Telegram -> social',
  },
  prepare(input) {
    const values = flatten(input);
    // Chatwoot writes 0 for a conversation nobody has answered yet.
    if (values.first_reply_created_at === 0) delete values.first_reply_created_at;
    unixSeconds(values, [
      'created_at',
      'first_reply_created_at',
      'timestamp',
      'last_activity_at',
      'waiting_since',
      'updated_at',
      'agent_last_seen_at',
      'contact_last_seen_at',
    ]);
    const status = pick(values, 'status')?.toLowerCase();
    if (status && STATUS[status]) values.status = STATUS[status];
    if (pick(values, 'priority')?.toLowerCase() === 'medium') values.priority = 'normal';
    const channel = pick(values, 'meta.channel')?.toLowerCase();
    if (channel) values['meta.channel'] = CHANNEL[channel] ?? 'other';
    if (typeof values.first_reply_created_at === 'number' && values.first_reply_created_at === 0)
      delete values.first_reply_created_at;
    if (values.labels !== undefined) values.labels = tagList(values.labels, /\|/) ?? values.labels;
    for (const key of Object.keys(values)) if (values[key] === null) delete values[key];
    return { values };
  },
  refs(values) {
    const agent = pick(values, 'meta.assignee.name');
    const agentEmail = pick(values, 'meta.assignee.email');
    const team = pick(values, 'meta.team.name');
    const customer = pick(values, 'meta.sender.id');
    const email = pick(values, 'meta.sender.email');
    const name = pick(values, 'meta.sender.name');
    return {
      ...(agent
        ? {
            agent: { key: agent, name: agent, ...(agentEmail ? { email: agentEmail } : {}), ...(team ? { team } : {}) },
          }
        : {}),
      ...(team ? { team: { key: team, name: team } } : {}),
      ...(customer ? { customer: { key: customer, ...(name ? { name } : {}), ...(email ? { email } : {}) } } : {}),
    };
  },
};
