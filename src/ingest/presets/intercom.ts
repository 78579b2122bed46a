import { flatten, pick, tagList, unixSeconds, type Preset, type Values } from './preset.ts';

/**
 * Intercom conversations as the REST API (and its data export) gives them: JSON objects with
 * Unix-second times, read under dotted names (`statistics.first_admin_reply_at`); a CSV with the
 * same dotted column names works too. The conversation statistics give the timestamps:
 * first_admin_reply_at -> first_response_at, first_close_at -> first_resolved_at, last_close_at ->
 * resolved_at (when the conversation is closed), count_reopens -> reopen_count. Teammates and
 * teams are known by id only: they are created with the id as their name until an agents or
 * teams import with the same ids names them. conversation_rating (1-5) and its remark become a
 * CSAT answer linked to the conversation.
 */
const TIMES = [
  'created_at',
  'updated_at',
  'statistics.first_admin_reply_at',
  'statistics.first_close_at',
  'statistics.last_close_at',
  'statistics.first_contact_reply_at',
  'statistics.last_admin_reply_at',
  'statistics.first_assignment_at',
  'conversation_rating.created_at',
  'waiting_since',
  'snoozed_until',
];
const CHANNEL: Record<string, string> = {
  conversation: 'chat',
  email: 'email',
  facebook: 'social',
  twitter: 'social',
  instagram: 'social',
  whatsapp: 'social',
  phone_call: 'phone',
  call: 'phone',
  push: 'other',
  sms: 'other',
};

export const intercom: Preset = {
  name: 'intercom',
  entity: 'tickets',
  description: 'Intercom conversations with statistics (REST API / data export JSON, or CSV with the same names)',
  keepUnknown: true,
  signature: ['statistics.first_admin_reply_at', 'admin_assignee_id', 'team_assignee_id'],
  map: {
    id: 'id',
    created_at: 'created_at',
    title: 'subject',
    state: 'status',
    priority: 'priority',
    admin_assignee_id: 'agent_id',
    team_assignee_id: 'team_id',
    'source.type': 'channel',
    'statistics.first_admin_reply_at': 'first_response_at',
    'statistics.first_close_at': 'first_resolved_at',
    'statistics.last_close_at': 'resolved_at',
    'statistics.count_reopens': 'reopen_count',
    'tags.tags': 'tags',
    'conversation_rating.rating': 'attributes.rating',
    'conversation_rating.remark': 'attributes.rating_remark',
  },
  notes: {
    created_at: 'Unix seconds',
    state: 'open -> open, snoozed -> pending, closed -> solved',
    priority: 'priority -> high, not_priority -> normal',
    admin_assignee_id: 'agent created or matched by id',
    team_assignee_id: 'team created or matched by id',
    'source.type': 'conversation -> chat, email, facebook/twitter/instagram/whatsapp -> social, phone_call -> phone',
    'statistics.last_close_at': 'only when state is closed',
    'conversation_rating.rating': 'a CSAT answer (1-5) with the remark as its comment',
  },
  prepare(input) {
    const values = flatten(input) as Values;
    unixSeconds(values, TIMES);
    const state = String(values.state ?? '').toLowerCase();
    values.state = state === 'closed' ? 'solved' : state === 'snoozed' ? 'pending' : values.state;
    if (state !== 'closed') delete values['statistics.last_close_at'];
    const priority = String(values.priority ?? '').toLowerCase();
    if (priority)
      values.priority = priority === 'priority' ? 'high' : priority === 'not_priority' ? 'normal' : values.priority;
    const channel = CHANNEL[String(values['source.type'] ?? '').toLowerCase()];
    if (channel) values['source.type'] = channel;
    else if (values['source.type'] !== undefined) values['source.type'] = 'other';
    if (typeof values['tags.tags'] === 'string' && values['tags.tags'].startsWith('['))
      values['tags.tags'] = tagList(JSON.parse(values['tags.tags']) as unknown[], /,/);
    // The first contact of the conversation is its customer.
    if (typeof values['contacts.contacts'] === 'string' && values['contacts.contacts'].startsWith('[')) {
      const contacts = JSON.parse(values['contacts.contacts']) as Array<{ id?: string }>;
      if (contacts[0]?.id) values.customer_id = contacts[0].id;
    }
    for (const key of Object.keys(values)) if (values[key] === null) delete values[key];
    return { values };
  },
  refs(values) {
    const agent = pick(values, 'admin_assignee_id');
    const team = pick(values, 'team_assignee_id');
    const customer = pick(values, 'customer_id', 'source.author.id');
    return {
      ...(agent ? { agent: { key: agent, ...(team ? { team } : {}) } } : {}),
      ...(team ? { team: { key: team } } : {}),
      ...(customer ? { customer: { key: customer } } : {}),
    };
  },
  surveys(values, row) {
    const rating = pick(values, 'conversation_rating.rating');
    if (!rating) return [];
    const remark = pick(values, 'conversation_rating.remark');
    return [
      {
        id: `intercom-rating-${row.id as string}`,
        kind: 'csat',
        score: rating,
        submitted_at: pick(values, 'conversation_rating.created_at') ?? row.resolved_at ?? row.created_at,
        survey: 'intercom-conversation-rating',
        ...(remark ? { comment: remark } : {}),
        ticket_id: row.id,
        ...(row.agent_id ? { agent_id: row.agent_id } : {}),
        ...(row.team_id ? { team_id: row.team_id } : {}),
        ...(row.customer_id ? { customer_id: row.customer_id } : {}),
      },
    ];
  },
};
