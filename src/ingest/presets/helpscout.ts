import { flatten, personOf, pick, tagList, translate, type Preset, type Values } from './preset.ts';

/**
 * Help Scout conversations: the Reports export (CSV) and the Mailbox API 2.0 conversation JSON
 * (nested objects are read under dotted names: `primaryCustomer.email`). Times are ISO 8601 with
 * Z as Help Scout writes them. Status active -> open, pending, closed -> solved, spam -> closed.
 * A happiness rating (Great 5, Okay 3, Not Good 1) becomes a CSAT answer linked to the conversation.
 */
const STATUS = { active: 'open', open: 'open', pending: 'pending', closed: 'solved', spam: 'closed' };
const CHANNEL = { email: 'email', chat: 'chat', phone: 'phone', beacon: 'chat', messages: 'chat' };
const RATING: Record<string, number> = { great: 5, okay: 3, 'not good': 1, notgood: 1 };

export const helpscout: Preset = {
  name: 'helpscout',
  entity: 'tickets',
  description: 'Help Scout conversations (Reports export CSV, or Mailbox API JSON)',
  keepUnknown: true,
  signature: ['Conversation ID', 'Mailbox', 'Assigned To', 'Customer Email'],
  map: {
    'Conversation ID': 'id',
    id: 'id',
    'Conversation Number': 'attributes.number',
    number: 'attributes.number',
    Subject: 'subject',
    subject: 'subject',
    Status: 'status',
    status: 'status',
    Type: 'channel',
    type: 'channel',
    Mailbox: 'team_id',
    mailboxId: 'team_id',
    'Assigned To': 'agent_id',
    'assignee.email': 'agent_id',
    'Customer ID': 'customer_id',
    'primaryCustomer.id': 'customer_id',
    'Customer Name': 'attributes.customer_name',
    'Customer Email': 'attributes.customer_email',
    'primaryCustomer.email': 'attributes.customer_email',
    Tags: 'tags',
    tags: 'tags',
    'Created At': 'created_at',
    createdAt: 'created_at',
    'First Response At': 'first_response_at',
    'Closed At': 'resolved_at',
    closedAt: 'resolved_at',
    Replies: 'agent_replies',
    Rating: 'attributes.rating',
    'Rating Comment': 'attributes.rating_comment',
  },
  notes: {
    Mailbox: 'team created or matched by name (a mailbox is the team that answers it)',
    'Assigned To': 'agent created or matched by name or e-mail',
    'Customer ID': 'customer created or matched by id or e-mail (Customer Email, Customer Name)',
    Status: 'active -> open, closed -> solved, spam -> closed',
    Tags: 'comma-separated',
    Rating: 'Great 5, Okay 3, Not Good 1: a CSAT answer',
  },
  prepare(input) {
    const values: Values = flatten(input);
    if (values['assignee.email'] === undefined && values['assignee.first'] !== undefined)
      values['assignee.email'] =
        `${values['assignee.first'] as string} ${(values['assignee.last'] as string | undefined) ?? ''}`.trim();
    translate(values, ['Status', 'status'], STATUS);
    translate(values, ['Type', 'type'], CHANNEL);
    for (const column of ['Tags', 'tags'])
      if (values[column] !== undefined) values[column] = tagList(values[column], /\s*,\s*/) ?? values[column];
    if (values.tags && typeof values.tags === 'string' && values.tags.startsWith('['))
      values.tags = tagList(JSON.parse(values.tags) as unknown[], /,/);
    return { values };
  },
  refs(values) {
    const agent = pick(values, 'Assigned To', 'assignee.email');
    const team = pick(values, 'Mailbox', 'mailboxId');
    const email = pick(values, 'Customer Email', 'primaryCustomer.email');
    const customer = pick(values, 'Customer ID', 'primaryCustomer.id') ?? email;
    const name = pick(values, 'Customer Name');
    return {
      ...(agent ? { agent: { key: agent, ...personOf(agent), ...(team ? { team } : {}) } } : {}),
      ...(team ? { team: { key: team, name: team } } : {}),
      ...(customer
        ? { customer: { key: customer, ...(name ? { name } : {}), ...(email ? { email: email.toLowerCase() } : {}) } }
        : {}),
    };
  },
  surveys(values, row) {
    const rating = pick(values, 'Rating');
    const score = rating ? RATING[rating.toLowerCase()] : undefined;
    if (score === undefined) return [];
    const comment = pick(values, 'Rating Comment');
    return [
      {
        id: `helpscout-rating-${row.id as string}`,
        kind: 'csat',
        score,
        submitted_at: row.resolved_at ?? row.created_at,
        survey: 'helpscout-happiness',
        ...(comment ? { comment } : {}),
        ticket_id: row.id,
        ...(row.agent_id ? { agent_id: row.agent_id } : {}),
        ...(row.team_id ? { team_id: row.team_id } : {}),
        ...(row.customer_id ? { customer_id: row.customer_id } : {}),
      },
    ];
  },
};
