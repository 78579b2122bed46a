import { flatten, pick, unixSeconds, type Preset, type Values } from './preset.ts';

/**
 * Delighted survey responses: the CSV export (Response ID, Email, Name, Score, Comment, Response
 * timestamp, Survey type and one column per person property) and the API's JSON (id, person,
 * survey_type, score, comment, created_at in Unix seconds). Survey type nps, csat, ces, enps and
 * the 5-point smileys/five_star (-> rating) are read; without a survey type the answer is NPS,
 * Delighted's default (`--set kind=csat` says otherwise).
 */
const KIND: Record<string, string> = {
  nps: 'nps',
  csat: 'csat',
  ces: 'ces',
  enps: 'enps',
  smileys: 'rating',
  five_star: 'rating',
  '5_star': 'rating',
};

export const delighted: Preset = {
  name: 'delighted',
  entity: 'survey_responses',
  description: 'Delighted survey responses (CSV export or API JSON)',
  keepUnknown: true,
  signature: ['Response ID', 'Score', 'Comment', 'Response timestamp'],
  map: {
    'Response ID': 'id',
    id: 'id',
    Score: 'score',
    score: 'score',
    Comment: 'comment',
    comment: 'comment',
    'Response timestamp': 'submitted_at',
    'Created at': 'submitted_at',
    created_at: 'submitted_at',
    'Survey type': 'kind',
    survey_type: 'kind',
    Email: 'customer_id',
    person: 'customer_id',
    'Person ID': 'customer_id',
    Name: 'attributes.name',
  },
  notes: {
    'Survey type': 'nps, csat, ces, enps; smileys and five_star -> rating; absent -> nps',
    Email: 'customer created or matched by e-mail (Name)',
    'Response timestamp': 'ISO, local time, or Unix seconds',
  },
  prepare(input) {
    const values = flatten(input) as Values;
    unixSeconds(values, ['created_at', 'updated_at', 'Response timestamp', 'Created at']);
    for (const column of ['Survey type', 'survey_type']) {
      const kind = pick(values, column)?.toLowerCase();
      if (kind) values[column] = KIND[kind] ?? kind;
    }
    if (pick(values, 'Survey type', 'survey_type') === undefined) values.kind = 'nps';
    for (const key of Object.keys(values)) if (values[key] === null) delete values[key];
    return { values };
  },
  refs(values) {
    const email = pick(values, 'Email', 'person_properties.email');
    const customer = pick(values, 'Email', 'person', 'Person ID');
    const name = pick(values, 'Name');
    return customer
      ? {
          customer: {
            key: customer,
            ...(email?.includes('@') ? { email: email.toLowerCase() } : {}),
            ...(name ? { name } : {}),
          },
        }
      : {};
  },
};
