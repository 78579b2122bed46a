import type { FieldProblem } from '../shape-record.ts';
import { after, instant, personOf, readTimes, pick, tagList, translate, type Preset, type Values } from './preset.ts';

/**
 * Zendesk Support ticket export (Reporting > Export as CSV; JSON Lines or an array with the same
 * names). Zendesk writes times in the account's time zone without an offset (`2026-03-02 09:15`),
 * which cxkpi reads in the organization's zone; ISO times with Z also work.
 *
 * The export has no first-reply timestamp: first_response_at is `Created at` + `First reply time
 * in minutes` (calendar minutes; the business-hours variant is kept as an attribute, cxkpi counts
 * business hours itself). `Solved at` is the latest resolution; `Full resolution time in minutes`
 * is kept as an attribute and never overrides it (timestamps win). first_resolved_at is `Created
 * at` + `First resolution time in minutes` when that is not after `Solved at`.
 *
 * `Satisfaction Score` becomes a CSAT answer linked to the ticket: Good (also "Good with comment")
 * scores 5 and Bad scores 1, so that cxkpi's csat (share scoring 4-5) equals Zendesk's
 * satisfaction rate; Offered and Not Offered/Unoffered are no answer. The answer's id is
 * `zendesk-csat-<ticket id>`, its time `Solved at` (else `Updated at`, else `Created at`; the
 * export does not say when it was given), its comment `Satisfaction Comment` when exported.
 */
const STATUS = {
  new: 'open',
  open: 'open',
  pending: 'pending',
  hold: 'pending',
  'on-hold': 'pending',
  solved: 'solved',
  closed: 'closed',
};
const CHANNEL: Record<string, string> = {
  mail: 'email',
  email: 'email',
  'web form': 'web',
  web: 'web',
  web_form: 'web',
  'web widget': 'web',
  'help center': 'web',
  api: 'other',
  'web service': 'other',
  chat: 'chat',
  'native messaging': 'chat',
  messaging: 'chat',
  voice: 'phone',
  'phone call (incoming)': 'phone',
  'phone call (outgoing)': 'phone',
  phone: 'phone',
  twitter: 'social',
  facebook: 'social',
  'facebook post': 'social',
  'facebook private message': 'social',
  whatsapp: 'social',
  instagram: 'social',
  'closed ticket': 'other',
  'ticket sharing': 'other',
  sms: 'other',
};

export const zendesk: Preset = {
  name: 'zendesk',
  entity: 'tickets',
  description: 'Zendesk Support ticket export (CSV, or JSON with the same names)',
  keepUnknown: true,
  signature: ['Id', 'Requester id', 'Assignee', 'Created at', 'Satisfaction Score'],
  map: {
    Id: 'id',
    'Requester id': 'customer_id',
    Requester: 'attributes.requester',
    'Requester email': 'attributes.requester_email',
    Assignee: 'agent_id',
    Group: 'team_id',
    Subject: 'subject',
    Tags: 'tags',
    Status: 'status',
    Priority: 'priority',
    Via: 'channel',
    'Created at': 'created_at',
    'Solved at': 'resolved_at',
    'First reply time in minutes': 'attributes.first_reply_minutes',
    'First reply time in minutes within business hours': 'attributes.first_reply_business_minutes',
    'First resolution time in minutes': 'attributes.first_resolution_minutes',
    'First resolution time in minutes within business hours': 'attributes.first_resolution_business_minutes',
    'Full resolution time in minutes': 'attributes.full_resolution_minutes',
    'Full resolution time in minutes within business hours': 'attributes.full_resolution_business_minutes',
    Reopens: 'reopen_count',
    Replies: 'agent_replies',
    'Satisfaction Score': 'attributes.satisfaction_score',
    'Satisfaction Comment': 'attributes.satisfaction_comment',
  },
  notes: {
    Assignee: 'agent created or matched by name (or e-mail)',
    Group: 'team created or matched by name',
    'Requester id': 'customer created or matched by id or e-mail (Requester, Requester email)',
    Tags: 'space-separated',
    Status: 'New, Open -> open; Pending, On-hold -> pending; Solved; Closed',
    Via: 'Mail/Email -> email, Web form/Help Center -> web, Chat/Messaging -> chat, Voice/Phone -> phone, Twitter/Facebook/WhatsApp -> social, others -> other',
    'First reply time in minutes': 'first_response_at = Created at + minutes (also kept as an attribute)',
    'First resolution time in minutes': 'first_resolved_at = Created at + minutes, unless after Solved at',
    'Satisfaction Score': 'Good -> a CSAT answer scoring 5, Bad -> 1 (see below)',
  },
  prepare(input, ctx) {
    // The record is the importer's own: rewritten in place.
    const values: Values = input;
    readTimes(values, ['Created at', 'Solved at'], ctx);
    translate(values, ['Status'], STATUS);
    translate(values, ['Via'], CHANNEL);
    if (typeof values.Priority === 'string' && values.Priority.trim() === '-') values.Priority = '';
    if (values.Tags !== undefined) values.Tags = tagList(values.Tags, /\s+/) ?? values.Tags;
    for (const column of ['Assignee', 'Group', 'Requester id'] as const)
      if (typeof values[column] === 'string' && (values[column] as string).trim() === '-') values[column] = '';
    const errors: FieldProblem[] = [];
    const first = after(
      values['Created at'],
      values['First reply time in minutes'],
      60_000,
      'First reply time in minutes',
      ctx,
    );
    if (first.problem) errors.push(first.problem);
    else if (first.at) values.first_response_at = first.at;
    const firstSolved = after(
      values['Created at'],
      values['First resolution time in minutes'],
      60_000,
      'First resolution time in minutes',
      ctx,
    );
    if (firstSolved.problem) errors.push(firstSolved.problem);
    else if (firstSolved.at) {
      const solved = instant(values['Solved at'], ctx);
      // Timestamps win: a computed first resolution after the latest one is not used.
      if (solved === undefined || Date.parse(firstSolved.at) <= solved) values.first_resolved_at = firstSolved.at;
    }
    return errors.length ? { values, errors } : { values };
  },
  refs(values) {
    const agent = pick(values, 'Assignee');
    const team = pick(values, 'Group');
    const customer = pick(values, 'Requester id', 'Requester email');
    const requester = personOf(pick(values, 'Requester'));
    const email = pick(values, 'Requester email') ?? requester.email;
    return {
      ...(agent ? { agent: { key: agent, ...personOf(agent), ...(team ? { team } : {}) } } : {}),
      ...(team ? { team: { key: team, name: team } } : {}),
      ...(customer
        ? {
            customer: {
              key: customer,
              ...(requester.name ? { name: requester.name } : {}),
              ...(email ? { email: email.toLowerCase() } : {}),
            },
          }
        : {}),
    };
  },
  surveys(values, row) {
    const score = String(values['Satisfaction Score'] ?? '')
      .trim()
      .toLowerCase();
    const points = score.startsWith('good') ? 5 : score.startsWith('bad') ? 1 : undefined;
    if (points === undefined) return [];
    const at = values['Solved at'] || values['Updated at'] || values['Created at'];
    return [
      {
        id: `zendesk-csat-${row.id as string}`,
        kind: 'csat',
        score: points,
        submitted_at: row.resolved_at ?? at,
        survey: 'zendesk-satisfaction',
        ...(values['Satisfaction Comment'] ? { comment: values['Satisfaction Comment'] } : {}),
        ticket_id: row.id,
        ...(row.agent_id ? { agent_id: row.agent_id } : {}),
        ...(row.team_id ? { team_id: row.team_id } : {}),
        ...(row.customer_id ? { customer_id: row.customer_id } : {}),
        ...(row.channel ? { channel: row.channel } : {}),
        attributes: { zendesk_score: values['Satisfaction Score'] },
      },
    ];
  },
};
