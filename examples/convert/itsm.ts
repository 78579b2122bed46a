/**
 * UCI "Incident management process enriched event log" (ServiceNow audit log) -> tickets.csv,
 * teams.csv, agents.csv.
 *
 *   node --import tsx examples/convert/itsm.ts <incident_event_log.csv> <output dir>
 *
 * The log has one row per state change; a ticket is one incident `number`, described by its final
 * event (latest sys_updated_at, then highest sys_mod_count, then the later row). Only that event
 * per incident is kept in memory: memory grows with incidents, not with events.
 * - created_at = opened_at, resolved_at, closed_at: `dd-mm-yyyy HH:MM` -> `yyyy-mm-ddTHH:MM:00`
 *   without an offset (the log does not say which zone; the organization's zone applies); `?` is
 *   missing.
 * - first_resolved_at: only for reopened incidents, the time of the first event whose state is
 *   Resolved (for the others the importer takes resolved_at).
 * - priority `1 - Critical`..`4 - Low` -> urgent/high/normal/low; status New/Active -> open,
 *   Awaiting* -> pending, Resolved -> solved, Closed -> closed; channel from contact_type.
 * - team_id = assignment_group, agent_id = assigned_to, customer_id = caller_id (anonymised names
 *   such as `Group 56`, used as ids); category, made_sla and reassignment_count as attributes.
 * - teams.csv / agents.csv: the groups and resolvers the tickets name, id = name = the label. An
 *   agent's team is left empty (resolvers work for several groups; tickets carry their group).
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { CsvWriter } from './csv-writer.ts';
import { readArgs } from './read-args.ts';
import { Tally } from './tally.ts';

interface SourceRow {
  number: string;
  incident_state: string;
  reassignment_count: string;
  reopen_count: string;
  sys_mod_count: string;
  made_sla: string;
  caller_id: string;
  opened_at: string;
  sys_updated_at: string;
  contact_type: string;
  category: string;
  priority: string;
  assignment_group: string;
  assigned_to: string;
  resolved_at: string;
  closed_at: string;
}

const { input, outDir } = readArgs('examples/convert/itsm.ts <incident_event_log.csv> <output dir>');

const PRIORITY: Record<string, string> = {
  '1 - Critical': 'urgent',
  '2 - High': 'high',
  '3 - Moderate': 'normal',
  '4 - Low': 'low',
};
const BOOLEAN: Record<string, boolean> = { TRUE: true, FALSE: false };
const CHANNEL: Record<string, string> = {
  Phone: 'phone',
  IVR: 'phone',
  Email: 'email',
  'Self service': 'web',
  'Direct opt-in': 'other',
};

function status(state: string): string | undefined {
  if (state === 'New' || state === 'Active') return 'open';
  if (state.startsWith('Awaiting')) return 'pending';
  if (state === 'Resolved') return 'solved';
  if (state === 'Closed') return 'closed';
  return undefined;
}

/** `?` is the log's "no value". */
const value = (raw: string): string | undefined => (raw.trim() === '?' || raw.trim() === '' ? undefined : raw.trim());

/** `29-02-2016 01:16` -> `2016-02-29T01:16:00` (no offset); undefined when missing or unreadable. */
function logTime(raw: string): string | undefined {
  const m = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2})$/.exec(raw.trim());
  return m ? `${m[3]}-${m[2]}-${m[1]}T${m[4]}:${m[5]}:00` : undefined;
}

interface Incident {
  final: SourceRow;
  finalKey: [string, number];
  firstResolvedAt: string | undefined;
  events: number;
}

const incidents = new Map<string, Incident>();
let rows = 0;
const parser = createReadStream(input).pipe(parse({ columns: true, bom: true }));
for await (const row of parser as AsyncIterable<SourceRow>) {
  rows++;
  const key: [string, number] = [logTime(row.sys_updated_at) ?? '', Number(row.sys_mod_count) || 0];
  const resolvedEvent = row.incident_state === 'Resolved' ? logTime(row.sys_updated_at) : undefined;
  const incident = incidents.get(row.number);
  if (!incident) {
    incidents.set(row.number, { final: row, finalKey: key, firstResolvedAt: resolvedEvent, events: 1 });
    continue;
  }
  incident.events++;
  const [at, mods] = incident.finalKey;
  if (key[0] > at || (key[0] === at && key[1] >= mods)) Object.assign(incident, { final: row, finalKey: key });
  if (resolvedEvent && (!incident.firstResolvedAt || resolvedEvent < incident.firstResolvedAt))
    incident.firstResolvedAt = resolvedEvent;
}

const tickets = new CsvWriter(join(outDir, 'tickets.csv'), [
  'id',
  'customer_id',
  'agent_id',
  'team_id',
  'channel',
  'priority',
  'status',
  'created_at',
  'first_resolved_at',
  'resolved_at',
  'closed_at',
  'reopen_count',
  'attributes.category',
  'attributes.made_sla',
  'attributes.reassignment_count',
]);
const skipped = new Tally();
const notes = new Tally();
const statuses = new Tally();
const teams = new Set<string>();
const agents = new Set<string>();

for (const [number, { final: row, firstResolvedAt }] of incidents) {
  const createdAt = logTime(row.opened_at);
  if (!createdAt) {
    skipped.add('opened_at is missing or unreadable (created_at is required)');
    continue;
  }
  const resolvedAt = logTime(row.resolved_at);
  const closedAt = logTime(row.closed_at);
  const reopens = Number(row.reopen_count) || 0;
  // ISO strings of one shape and one zone compare like the times they name.
  if (resolvedAt && resolvedAt < createdAt) notes.add('resolved_at before opened_at (the importer rejects these)');
  if (closedAt && closedAt < createdAt) notes.add('closed_at before opened_at (the importer rejects these)');
  if (closedAt && resolvedAt && closedAt < resolvedAt) notes.add('closed_at before resolved_at');
  if (value(row.resolved_at) === undefined) notes.add('no resolved_at (`?`)');
  let firstResolved = reopens > 0 ? firstResolvedAt : undefined;
  if (reopens > 0 && !firstResolved)
    notes.add('reopened, but no Resolved event in the log: first_resolved_at left empty');
  if (firstResolved && (firstResolved < createdAt || (resolvedAt && firstResolved > resolvedAt))) {
    notes.add('first Resolved event outside opened_at..resolved_at: first_resolved_at left empty');
    firstResolved = undefined;
  }
  const state = status(row.incident_state);
  const priority = PRIORITY[row.priority.trim()];
  const channel = CHANNEL[row.contact_type.trim()];
  if (!state) notes.add(`incident_state "${row.incident_state}" has no status: left empty`);
  if (!priority && value(row.priority)) notes.add(`priority "${row.priority}" is not known: left empty`);
  if (!channel && value(row.contact_type)) notes.add(`contact_type "${row.contact_type}" is not known: left empty`);
  statuses.add(state ?? '(none)');
  if (value(row.assignment_group)) teams.add(value(row.assignment_group)!);
  if (value(row.assigned_to)) agents.add(value(row.assigned_to)!);
  await tickets.write({
    id: number,
    customer_id: value(row.caller_id),
    agent_id: value(row.assigned_to),
    team_id: value(row.assignment_group),
    channel,
    priority,
    status: state,
    created_at: createdAt,
    first_resolved_at: firstResolved,
    resolved_at: resolvedAt,
    closed_at: closedAt,
    reopen_count: reopens,
    'attributes.category': value(row.category),
    'attributes.made_sla': BOOLEAN[row.made_sla.trim()],
    'attributes.reassignment_count': value(row.reassignment_count),
  });
}
await tickets.close();

// The anonymised labels (`Group 56`, `Resolver 89`) are the only names the log has.
const teamFile = new CsvWriter(join(outDir, 'teams.csv'), ['id', 'name']);
for (const team of teams) await teamFile.write({ id: team, name: team });
await teamFile.close();
const agentFile = new CsvWriter(join(outDir, 'agents.csv'), ['id', 'name']);
for (const agent of agents) await agentFile.write({ id: agent, name: agent });
await agentFile.close();

console.log(`read ${rows} events of ${incidents.size} incidents`);
console.log(`wrote ${tickets.written} tickets -> ${tickets.path}`);
statuses.print('  by status');
console.log(`wrote ${teamFile.written} teams -> ${teamFile.path}, ${agentFile.written} agents -> ${agentFile.path}`);
skipped.print('skipped incidents');
notes.print('notes (tickets still written)');
