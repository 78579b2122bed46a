import type { Action } from '../contract/api.ts';
import type { Role } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { ApiKeyScope } from './api-keys.ts';

export type { Role };
export const ROLES: readonly Role[] = ['owner', 'admin', 'manager', 'team_lead', 'agent', 'viewer'];

/**
 * Who may do what. One table for the API, the dashboard and the CLI where it talks to a server;
 * README.md shows it to users. Data scopes (which teams, which agent) are applied by the metric
 * engine and the row listings themselves, so no report or export can show more. The actions are
 * declared in the HTTP contract (src/contract/api.ts): GET /api/v1/auth/me lists the caller's.
 */
export type { Action } from '../contract/api.ts';

const ALL: Action[] = [
  'import',
  'query',
  'rows',
  'define_metrics',
  'surveys',
  'settings',
  'users',
  'keys',
  'audit',
  'targets',
  'experiments',
];

export const PERMISSIONS: Record<Role | `key:${ApiKeyScope}`, readonly Action[]> = {
  owner: ALL,
  admin: ALL,
  manager: ['import', 'query', 'rows', 'surveys', 'targets', 'experiments'],
  team_lead: ['query', 'rows', 'targets'],
  agent: ['query', 'rows'],
  viewer: ['query'],
  // Keys are for machines: they never manage people or other keys.
  'key:full': ['import', 'query', 'rows', 'define_metrics', 'surveys', 'settings', 'targets', 'experiments'],
  'key:read': ['query', 'rows'],
  'key:ingest': ['import'],
};

/** The caller of a request, once authenticated. */
export interface Access {
  orgId: string;
  kind: 'user' | 'api_key' | 'operator';
  role: Role | `key:${ApiKeyScope}`;
  /** User id or API key id. */
  actorId: string | null;
  /** E-mail or key name, for the audit log. */
  actor: string;
  /** Team lead: their teams. Agent: their agent's team. Undefined: the whole organization. */
  teams?: string[];
  /** Agent: their agent id; per-agent numbers and rows are only their own. */
  agentId?: string;
  /** Viewer: aggregates only, no per-agent numbers. */
  aggregatesOnly?: boolean;
}

export const OPERATOR: Omit<Access, 'orgId'> = {
  kind: 'operator',
  role: 'owner',
  actorId: null,
  actor: 'operator (CLI)',
};

export function can(access: Access, action: Action): boolean {
  return PERMISSIONS[access.role].includes(action);
}

export function assertCan(access: Access, action: Action): void {
  if (!can(access, action)) {
    const who =
      access.kind === 'api_key' ? `A ${access.role.slice(4)} API key` : `The ${access.role.replace('_', ' ')} role`;
    throw new AppError(403, 'forbidden', `${who} cannot ${DESCRIPTIONS[action]}.`);
  }
}

const DESCRIPTIONS: Record<Action, string> = {
  import: 'import data',
  query: 'query metrics',
  rows: 'list records or export them',
  define_metrics: 'define custom KPIs',
  surveys: 'manage surveys and invitations',
  settings: 'change organization settings',
  users: 'manage users',
  keys: 'manage API keys',
  audit: 'read the audit log',
  targets: 'set KPI targets',
  experiments: 'define experiments or benchmarks',
};

/**
 * What part of the data a caller sees, for the metric engine and the listings. Undefined: all
 * of the organization.
 */
export interface DataScope {
  teams?: string[];
  agentId?: string;
  aggregatesOnly?: boolean;
}

export function dataScope(access: Access | undefined): DataScope | undefined {
  if (!access || (!access.teams && !access.agentId && !access.aggregatesOnly)) return undefined;
  return { teams: access.teams, agentId: access.agentId, aggregatesOnly: access.aggregatesOnly };
}
