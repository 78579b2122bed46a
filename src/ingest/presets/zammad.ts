import { personOf, pick, tagList, type Preset, type Values } from './preset.ts';

/**
 * Zammad ticket export (the Excel export of an overview or a report: `#`, Title, State...).
 * Dates are Excel dates (or `2026-03-02 09:15` text) in the system's time zone. State new/open ->
 * open, pending reminder/pending close -> pending, closed -> solved, merged/removed -> closed;
 * Priority `1 low`, `2 normal`, `3 high`. The ticket number (`#`) is the id.
 */
const STATE: Record<string, string> = {
  new: 'open',
  open: 'open',
  'pending reminder': 'pending',
  'pending close': 'pending',
  closed: 'solved',
  merged: 'closed',
  removed: 'closed',
};

export const zammad: Preset = {
  name: 'zammad',
  entity: 'tickets',
  description: 'Zammad ticket export (Excel, also CSV)',
  keepUnknown: true,
  signature: ['#', 'Title', 'State', 'Owner', 'Customer'],
  map: {
    '#': 'id',
    Number: 'id',
    Title: 'subject',
    State: 'status',
    Priority: 'priority',
    Group: 'team_id',
    Owner: 'agent_id',
    Customer: 'customer_id',
    Organization: 'attributes.organization',
    'Created At': 'created_at',
    'Closed At': 'resolved_at',
    'First Response At': 'first_response_at',
    Tags: 'tags',
  },
  notes: {
    State: 'new/open -> open, pending reminder/close -> pending, closed -> solved, merged/removed -> closed',
    Priority: '"2 normal" -> normal',
    Group: 'team created or matched by name',
    Owner: 'agent created or matched by name or e-mail ("-" is nobody)',
    Customer: 'customer created or matched by id or e-mail; a name becomes the id',
    Tags: 'comma-separated',
  },
  prepare(input) {
    // The record is the importer's own: rewritten in place.
    const values: Values = input;
    const state = pick(values, 'State')?.toLowerCase();
    if (state && STATE[state]) values.State = STATE[state];
    const priority = pick(values, 'Priority');
    if (priority) values.Priority = priority.replace(/^\d+\s+/, '').toLowerCase();
    if (values.Tags !== undefined) values.Tags = tagList(values.Tags, /\s*,\s*/) ?? values.Tags;
    for (const column of ['Owner', 'Group', 'Customer']) if (pick(values, column) === undefined) delete values[column];
    if (typeof values['#'] === 'number') values['#'] = String(values['#']);
    return { values };
  },
  refs(values) {
    const agent = pick(values, 'Owner');
    const team = pick(values, 'Group');
    const customer = pick(values, 'Customer');
    return {
      ...(agent ? { agent: { key: agent, ...personOf(agent), ...(team ? { team } : {}) } } : {}),
      ...(team ? { team: { key: team, name: team } } : {}),
      ...(customer ? { customer: { key: customer, ...personOf(customer) } } : {}),
    };
  },
};
