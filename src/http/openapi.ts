import { createRequire } from 'node:module';
import { listEntities, type EntityDef, type FieldDef } from '../ingest/index.ts';
import { rowColumns } from '../ingest/list-rows.ts';

/** The OpenAPI 3.1 document, generated from the entity declarations so it cannot drift. */
export function buildOpenApi(): Record<string, unknown> {
  const require = createRequire(import.meta.url);
  const { version } = require('../../package.json') as { version: string };
  const entities = listEntities();
  const schemas: Record<string, unknown> = {
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message', 'request_id'],
          properties: {
            code: { type: 'string' },
            message: { type: 'string' },
            details: {},
            request_id: { type: 'string', description: 'The X-Request-Id of the answer, also in the server log.' },
          },
        },
      },
    },
    ImportSummary: {
      type: 'object',
      properties: {
        import_id: { type: 'string', format: 'uuid' },
        entity: { type: 'string' },
        status: { enum: ['succeeded', 'rejected'] },
        dry_run: { type: 'boolean' },
        records: { type: 'integer' },
        inserted: { type: 'integer' },
        updated: { type: 'integer' },
        unchanged: { type: 'integer' },
        duplicates: { type: 'integer' },
        rejected: { type: 'integer' },
        errors: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              line: { type: 'integer' },
              id: { type: 'string' },
              field: { type: ['string', 'null'] },
              reason: { type: 'string' },
            },
          },
        },
        errors_truncated: { type: 'boolean' },
        message: { type: 'string' },
        format: { type: 'string', description: 'The format read (csv, jsonl, json, xlsx).' },
        encoding: { type: 'string', description: 'How text was decoded, such as "windows-1251 (guessed)".' },
        rollups_ms: {
          type: 'integer',
          description: 'Milliseconds spent keeping the rollups current, inside the import transaction.',
        },
      },
    },
  };
  for (const entity of entities) schemas[entity.name] = entitySchema(entity);

  const paths: Record<string, unknown> = {
    '/api/v1/health': {
      get: {
        summary: 'Liveness and database status',
        security: [],
        responses: { 200: { description: 'Healthy' }, 503: { description: 'Database unavailable' } },
      },
    },
  };
  const jsonBody = (description: string) => ({
    required: true,
    description,
    content: { 'application/json': { schema: { type: 'object' } } },
  });
  const errors = {
    400: {
      description: 'Invalid request; error.details name the field (and for formulas the position)',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    },
    401: { description: 'No or unknown API key' },
    403: { description: 'The key has not the scope' },
  };
  paths['/api/v1/metrics'] = {
    get: {
      summary: "The KPI catalog and the organization's custom KPIs",
      tags: ['metrics'],
      responses: {
        200: {
          description:
            '{metrics: [...]} with id, names, descriptions (en, ru, lt), unit, scale, formula, options, dimensions, and queryable with a reason for this caller',
        },
      },
    },
    post: {
      summary: 'Define a custom KPI (full scope)',
      tags: ['metrics'],
      requestBody: jsonBody(
        '{id, name, names?: {ru, lt}, formula, unit, direction, description, min_sample}; formula language: docs/metrics.md',
      ),
      responses: { 201: { description: 'Saved' }, 409: { description: 'The id exists' }, ...errors },
    },
  };
  paths['/api/v1/metrics/{id}'] = {
    parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
    put: {
      summary: 'Replace a custom KPI (full scope)',
      tags: ['metrics'],
      requestBody: jsonBody('as POST /api/v1/metrics'),
      responses: { 200: { description: 'Saved' }, 404: { description: 'No such custom KPI' }, ...errors },
    },
    delete: {
      summary: 'Delete a custom KPI (full scope)',
      tags: ['metrics'],
      responses: { 204: { description: 'Deleted' }, 404: { description: 'No such custom KPI' } },
    },
  };
  paths['/api/v1/query'] = {
    post: {
      summary: 'Query metrics: the same JSON as cxkpi query --format json',
      tags: ['metrics'],
      requestBody: jsonBody(
        '{metrics, from, to, grain, by, where, tz, compare: previous|year, options: {metric: {option: value}}, business_hours, exact}',
      ),
      responses: {
        200: {
          description:
            '{rows: [{metric, period, group, value, n, ci_low, ci_high, low_sample, target, attainment, miss_significant, ...}], meta: {..., data_span, source: {metric: rollup|raw|mixed}}}',
        },
        ...errors,
      },
    },
  };
  paths['/api/v1/query/rows'] = {
    post: {
      summary: 'The rows behind a metric value',
      tags: ['metrics'],
      parameters: [{ name: 'format', in: 'query', schema: { enum: ['json', 'csv', 'xlsx'] } }],
      requestBody: jsonBody('{metric, from, to, where, tz, options, business_hours, limit}'),
      responses: { 200: { description: '{metric, columns, rows, truncated}, or a CSV / XLSX file' }, ...errors },
    },
  };
  // Sign-in and administration (docs/http-api.md has the details).
  const simple = (summary: string, ok: number, body?: string, extra: Record<string, unknown> = {}) => ({
    summary,
    tags: ['access'],
    ...(body ? { requestBody: jsonBody(body) } : {}),
    responses: { [ok]: { description: 'Done' }, ...errors },
    ...extra,
  });
  const idParameter = (name: string) => ({
    parameters: [{ name, in: 'path', required: true, schema: { type: 'string' } }],
  });
  paths['/api/v1/auth/login'] = {
    post: simple(
      'Log in (JSON only, same origin): sets the session cookie, answers who you are and a csrf_token',
      200,
      '{email, password, organization?}',
      {
        security: [],
      },
    ),
  };
  paths['/api/v1/auth/logout'] = { post: simple('End the session', 204) };
  paths['/api/v1/auth/me'] = { get: simple('Who is calling: role, teams, permissions, organization, csrf_token', 200) };
  paths['/api/v1/auth/organization'] = {
    post: simple('Switch the session to another organization the user belongs to', 200, '{organization: slug}'),
  };
  paths['/api/v1/auth/password'] = { post: simple('Change your password', 204, '{current_password, new_password}') };
  paths['/api/v1/auth/invitations/accept'] = {
    post: simple(
      "Accept an invitation (JSON only): creates the account, or joins with the existing account's password (lockout as at login); starts a session",
      201,
      '{token, password, name?}',
      {
        security: [],
      },
    ),
  };
  paths['/api/v1/users'] = { get: simple('Members and open invitations (owner, admin)', 200) };
  paths['/api/v1/users/invitations'] = {
    post: simple('Invite someone with a role; answers the link (7 days)', 201, '{email, role, teams?, agent_id?}'),
  };
  paths['/api/v1/users/{id}'] = {
    ...idParameter('id'),
    patch: simple("Change a member's role", 204, '{role, teams?, agent_id?}'),
    delete: simple('Remove a member', 204),
  };
  paths['/api/v1/keys'] = {
    get: simple('API keys (owner, admin)', 200),
    post: simple('Create an API key; the key is shown once', 201, '{name, scope: full|read|ingest}'),
  };
  paths['/api/v1/keys/{id}'] = { ...idParameter('id'), delete: simple('Revoke a key (at once)', 204) };
  paths['/api/v1/organization'] = {
    get: simple('Organization settings and business hours', 200),
    patch: simple('Change settings', 204, '{name?, timezone?, currency?, language?}'),
  };
  paths['/api/v1/organization/business-hours'] = {
    put: simple(
      "Set the organization's business hours",
      204,
      '{timezone, week: {mon: [["09:00","17:00"]], ...}, holidays}',
    ),
  };
  paths['/api/v1/organization/business-hours/teams/{team}'] = {
    ...idParameter('team'),
    put: simple("Set a team's business hours (null: follow the organization)", 204, 'a schedule or null'),
  };
  paths['/api/v1/targets'] = {
    get: { ...simple('KPI targets with their validity (anyone who may query)', 200), tags: ['targets'] },
    post: {
      ...simple(
        'Set a target; it replaces the one in force for the same metric, scope and grain from its first period (owner, admin, manager; team lead for their teams)',
        201,
        '{metric, value, scope: {team: "t1"}, grain: month|quarter|year, from, to, options}',
      ),
      tags: ['targets'],
    },
  };
  paths['/api/v1/scorecard'] = {
    get: {
      ...simple(
        "A team's or agent's targeted KPIs for a period: value, n, interval, target, attainment, change, context, fair rank; ?period=2026-03&team=&agent=&by=agent|team&metrics=&weights=csat:2&format=json|csv|xlsx",
        200,
      ),
      tags: ['targets'],
    },
  };
  const alerts = (summary: string, ok: number, body?: string) => ({ ...simple(summary, ok, body), tags: ['alerts'] });
  paths['/api/v1/alerts'] = {
    get: alerts('Alert rules (anyone who may query)', 200),
    post: alerts(
      'Create an alert; the answer holds the webhook secret once (owner, admin, manager; team lead for their teams)',
      201,
      '{name, metric, rule: threshold|target|anomaly, above, below, significant_only, scope, grain: day|week|month, options, notify: [{email} | {webhook}], language}',
    ),
  };
  paths['/api/v1/alerts/{id}'] = { delete: alerts('Delete an alert (by id or name)', 204) };
  paths['/api/v1/alerts/evaluate'] = {
    post: alerts('Check every alert for the last complete period before `at` (owner, admin)', 200, '{at?}'),
  };
  paths['/api/v1/alerts/history'] = { get: alerts('Fired alerts with their delivery state, newest first', 200) };
  paths['/api/v1/alerts/history/{id}/acknowledge'] = { post: alerts('Acknowledge a fired alert', 204) };
  const analytics = (summary: string, ok: number, body?: string) => ({
    ...simple(summary, ok, body),
    tags: ['analytics'],
  });
  paths['/api/v1/experiments'] = {
    get: analytics('Experiments (anyone who may query)', 200),
    post: analytics(
      'Define an experiment: arms are two values of a dimension, or a date split (before/after) (owner, admin, manager)',
      201,
      '{name, hypothesis, metrics, options, variant_dimension, control, treatment, split, where, from, to, treatment_share, min_detectable_effect}',
    ),
  };
  paths['/api/v1/experiments/plan'] = {
    post: analytics(
      'Sample size per arm for a minimum detectable effect',
      200,
      '{metric, min_detectable_effect, baseline, sd, from, to, where, options, alpha, power}',
    ),
  };
  paths['/api/v1/experiments/{name}/analysis'] = {
    ...idParameter('name'),
    get: analytics(
      'Per metric: both arms value and n, difference with 95 % interval, test, statistic, p-value, Holm-adjusted p, sample-ratio check, warnings',
      200,
    ),
  };
  paths['/api/v1/experiments/{name}'] = { ...idParameter('name'), delete: analytics('Delete an experiment', 204) };
  paths['/api/v1/cohorts'] = {
    get: analytics(
      'Retention matrix by signup or first-order month x months since; ?metric=customer_retention|revenue_retention&from=&to=&grain=month&by=channel|plan|segment|first_ticket_csat_group&basis=auto|subscriptions|orders',
      200,
    ),
  };
  paths['/api/v1/benchmarks'] = {
    get: analytics(
      'Industry reference values (versioned, with sources) and the organization own; ?metric=. Never targets',
      200,
    ),
    post: analytics(
      'Add an organization benchmark (owner, admin, manager)',
      201,
      '{metric, segment, low, high, source}',
    ),
  };
  paths['/api/v1/benchmarks/{id}'] = {
    ...idParameter('id'),
    delete: analytics('Delete an organization benchmark', 204),
  };
  paths['/api/v1/clv-model/fit'] = {
    post: analytics(
      'BG/NBD + Gamma-Gamma by maximum likelihood over completed orders: r, alpha, a, b, p, q, v per segment, customer scores',
      200,
      '{from, to, horizon_weeks, by_segment, customers}',
    ),
  };
  paths['/api/v1/targets/{id}'] = { delete: { ...simple('Delete a target', 204), tags: ['targets'] } };
  const reports = (summary: string, ok: number, body?: string) => ({ ...simple(summary, ok, body), tags: ['reports'] });
  paths['/api/v1/reports'] = {
    get: reports('Report definitions, and whether e-mail is configured (`mail.configured`)', 200),
    post: reports(
      'Define a scheduled report (owner, admin, manager; team lead for their teams)',
      201,
      '{name, schedule: monthly|quarterly, day, time: "08:00", metrics, scope: {team: "t1"}, language, attach: [pdf, xlsx], recipients: [{email} | {user: email or id}]}',
    ),
  };
  paths['/api/v1/reports/{id}'] = { delete: reports('Delete a report (by id or name) and its archive', 204) };
  paths['/api/v1/reports/{id}/send'] = {
    post: reports(
      'Generate and store the report for a period (default the last complete one) and queue its e-mails; a stored period is not sent again',
      200,
      '{period?: "2026-03" | "2026-Q1"}',
    ),
  };
  paths['/api/v1/reports/preview'] = {
    get: reports(
      'A report as PDF, HTML or XLSX for any period, as the caller may see it; ?report=NAME or ?metrics=a,b&scope=team:t1, &period=2026-03&format=pdf|html|xlsx&language=en|ru|lt',
      200,
    ),
  };
  paths['/api/v1/reports/archive'] = {
    get: reports('Generated reports, newest first, with their mail state (a restricted user: their own copies)', 200),
  };
  paths['/api/v1/reports/archive/{id}/{format}'] = {
    get: reports('A stored report as pdf, xlsx or html', 200),
  };
  paths['/api/v1/audit'] = { get: simple('The audit log, newest first (owner, admin)', 200) };
  paths['/api/v1/jobs'] = {
    get: simple(
      'Jobs (survey sweeps and e-mails), newest first, with state, attempts and last error (owner, admin)',
      200,
    ),
  };
  paths['/api/v1/jobs/{id}/retry'] = { post: simple('Give a dead job a new round of attempts (owner, admin)', 204) };
  // What the dashboard reads besides metrics (docs/http-api.md).
  const query = (...names: string[]) => names.map((name) => ({ name, in: 'query', schema: { type: 'string' } }));
  const read = (summary: string, description: string, parameters: unknown[] = []) => ({
    get: { summary, tags: ['dashboard'], parameters, responses: { 200: { description }, ...errors } },
  });
  paths['/api/v1/feedback'] = read(
    'Survey comments and reviews, newest first, filtered and searched (scoped for team leads and agents)',
    '{items: [{source, id, at, kind, score, sentiment, text_sentiment, text_score, text, customer, ticket, agent, team, ...}], total, next_cursor}',
    query(
      'from',
      'to',
      'source',
      'kind',
      'team',
      'agent',
      'language',
      'sentiment',
      'text_sentiment',
      'disagree',
      'theme',
      'q',
      'with_text',
      'limit',
      'cursor',
    ),
  );
  paths['/api/v1/sentiment'] = {
    post: {
      summary: 'Sentiment of texts in en, ru or lt, as `cxkpi sentiment` (anyone who may query)',
      tags: ['dashboard'],
      requestBody: jsonBody('{text, lang?: en|ru|lt|auto} or {items: [{text, lang?}, ...]} (at most 1,000 items)'),
      responses: {
        200: {
          description:
            '{class: very_negative|negative|neutral|positive|very_positive, score: -1..1, language: en|ru|lt, model} or {items: [{class, score, language}], model}; class, score and language are null for an empty text',
        },
        ...errors,
      },
    },
  };
  paths['/api/v1/themes'] = {
    ...read(
      "Feedback themes in force: the ten defaults or the organization's own",
      '{themes: [{id, names, keywords}], custom}',
    ),
    put: {
      summary: 'Replace the feedback themes (owner, admin); an empty list restores the defaults',
      tags: ['dashboard'],
      requestBody: jsonBody('{themes: [{id, names: {en, ru, lt}, keywords: {en, ru, lt}}]}'),
      responses: { 200: { description: '{themes, custom}' }, ...errors },
    },
  };
  paths['/api/v1/themes/summary'] = read(
    'Per theme: mentions, share negative (Wilson), monthly trend, and the attribute rating of the same name',
    '{from, to, custom, themes: [{id, names, mentions, negative_share, attribute_rating, trend: [{period, mentions}]}]}',
    query('from', 'to'),
  );
  paths['/api/v1/drivers'] = read(
    "Key drivers of CSAT or NPS: Johnson's relative weights of attribute ratings (and themes), bootstrap intervals; 422 not-enough-data below 50 answers",
    '{outcome, from, to, n, r2, drivers: [{predictor, kind, weight, share, low, high, correlation}], resamples, min_n, excluded}',
    query('outcome', 'from', 'to', 'themes'),
  );
  paths['/api/v1/directory'] = read(
    'The teams and agents the caller may see, and the span of the data',
    '{teams: [{id, name}], agents: [{id, name, team_id, active}], data: {first, last}}',
  );
  paths['/api/v1/imports'] = read(
    'Past imports, newest first',
    '{imports: [{id, entity, source, status, records, inserted, ..., error_count}], next_before}',
    query('limit', 'before', 'entity'),
  );
  paths['/api/v1/imports/{id}'] = {
    ...idParameter('id'),
    ...read('One import with its rejected records', 'the import and errors: [{line, id, field, reason}]'),
  };
  paths['/api/v1/entities'] = read(
    'The entities and their fields, for a column mapping',
    '{entities: [{name, fields}]}',
  );
  const survey = (summary: string, ok: number, body?: string) => ({ ...simple(summary, ok, body), tags: ['surveys'] });
  paths['/api/v1/surveys'] = {
    get: survey('Surveys with invitation, delivery and response counts', 200),
    post: survey(
      'Define a survey',
      201,
      '{id, name, kind, question?, follow_up?, attributes?, status?, closes_at?, trigger?, fatigue_days?, reminder_hours?, link_days?}',
    ),
  };
  paths['/api/v1/surveys/{id}'] = {
    ...idParameter('id'),
    get: survey('One survey', 200),
    put: survey('Replace a survey (close it with status closed)', 200, 'as POST /api/v1/surveys'),
  };
  paths['/api/v1/surveys/{id}/invitations'] = {
    ...idParameter('id'),
    get: survey('Invitations, newest first, with delivery and answers', 200),
    post: survey(
      'Invite recipients (JSON array or CSV): links, and e-mails when SMTP is configured',
      201,
      '[{customer_id?, email?, ticket_id?, agent_id?, team_id?, channel?, language?}]',
    ),
  };
  paths['/api/v1/surveys/{id}/embed'] = { ...idParameter('id'), get: survey('An <iframe> snippet of the survey', 200) };
  paths['/api/v1/organization/service-attributes'] = {
    get: survey('Service attributes surveys can ask to rate', 200),
    put: survey('Replace the list', 200, '[{key, names: {en, ru?, lt?}}]'),
  };
  for (const entity of entities) {
    paths[`/api/v1/import/${entity.name}/preview`] = {
      post: {
        summary: `Preview a file for ${entity.name}`,
        description:
          'The body is the file or its start. Answers {format, encoding, encoding_reason, columns, rows (the first 5), problems, suggested_preset, preset, mapping, presets}; stores nothing. Query: preset, format, encoding, sheet.',
        tags: ['import'],
        requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
        responses: { 200: { description: 'The preview' }, 400: { description: 'The file cannot be read' } },
      },
    };
    paths[`/api/v1/import/${entity.name}`] = {
      post: {
        summary: `Import ${entity.name}`,
        description: `${entity.description} Upsert by ${entity.key.join(' + ')}; all-or-nothing unless skip_invalid=true.`,
        tags: ['import'],
        parameters: [
          {
            name: 'format',
            in: 'query',
            schema: { enum: ['csv', 'jsonl', 'json', 'xlsx'] },
            description: 'Overrides the Content-Type (and the first bytes: a zip is XLSX).',
          },
          {
            name: 'preset',
            in: 'query',
            schema: { type: 'string' },
            description:
              "A vendor's export: zendesk, freshdesk, helpscout, intercom, zammad, chatwoot, delighted, stripe (docs/import.md)",
          },
          {
            name: 'encoding',
            in: 'query',
            schema: { type: 'string' },
            description: 'windows-1251, windows-1257, iso-8859-13, utf-16le...; default: detected',
          },
          { name: 'sheet', in: 'query', schema: { type: 'string' }, description: 'XLSX worksheet (default the first)' },
          { name: 'date_format', in: 'query', schema: { type: 'string' }, description: 'DD/MM/YYYY or MM/DD/YYYY' },
          { name: 'decimal_comma', in: 'query', schema: { type: 'boolean' } },
          {
            name: 'map',
            in: 'query',
            schema: { type: 'array', items: { type: 'string' } },
            description: '`Source Column=field`, `=attributes.name` or `=-`',
          },
          {
            name: 'set',
            in: 'query',
            schema: { type: 'array', items: { type: 'string' } },
            description: '`field=value` for every record',
          },
          { name: 'skip_invalid', in: 'query', schema: { type: 'boolean' } },
          { name: 'dry_run', in: 'query', schema: { type: 'boolean' } },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { type: 'array', items: { $ref: `#/components/schemas/${entity.name}` } } },
            'application/x-ndjson': { schema: { $ref: `#/components/schemas/${entity.name}` } },
            'text/csv': { schema: { type: 'string' } },
          },
        },
        responses: {
          200: {
            description: 'Imported',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ImportSummary' } } },
          },
          400: {
            description: 'Records rejected; nothing stored',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          401: { description: 'No or unknown API key' },
          413: { description: 'Body too large' },
        },
      },
    };
    paths[`/api/v1/${entity.name}`] = {
      get: {
        summary: `List ${entity.name}`,
        tags: ['rows'],
        description:
          'Equality filters on fields (comma = any of), attributes.<name>=value, the dimensions of metric queries ' +
          '(team, customer.segment, ticket.channel, ...; tickets, survey responses, orders, costs), from/to on the time ' +
          'field, keyset paging.',
        parameters: [
          ...(entity.timeField
            ? [
                { name: 'from', in: 'query', schema: { type: 'string' }, description: `${entity.timeField} >= from` },
                { name: 'to', in: 'query', schema: { type: 'string' }, description: `${entity.timeField} < to` },
              ]
            : []),
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10000, default: 100 } },
          { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'next_cursor of the previous page' },
          { name: 'format', in: 'query', schema: { enum: ['json', 'csv'] } },
        ],
        responses: {
          200: {
            description: 'A page of rows',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    rows: {
                      type: 'array',
                      items: { type: 'object', properties: Object.fromEntries(rowColumns(entity).map((c) => [c, {}])) },
                    },
                    next_cursor: { type: ['string', 'null'] },
                  },
                },
              },
              'text/csv': { schema: { type: 'string' } },
            },
          },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'cxkpi API',
      version,
      description:
        'Customer experience KPIs: import data, list rows, query metrics, define custom KPIs. ' +
        'Field reference: docs/data-model.md; metric reference: docs/metrics.md.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }, { session: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from `cxkpi keys create`' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'cxkpi_session',
          description: 'From POST /api/v1/auth/login; changes also need the X-CSRF-Token header',
        },
      },
      schemas,
    },
    paths,
  };
}

function entitySchema(entity: EntityDef): Record<string, unknown> {
  return {
    type: 'object',
    description: entity.description,
    required: entity.fields.filter((f) => f.required).map((f) => f.name),
    properties: Object.fromEntries(entity.fields.map((field) => [field.name, fieldSchema(field)])),
  };
}

function fieldSchema(field: FieldDef): Record<string, unknown> {
  const extra = {
    ...(field.description ? { description: field.description } : {}),
    ...(field.default !== undefined ? { default: field.default } : {}),
  };
  const type = field.type;
  switch (type.kind) {
    case 'id':
    case 'text':
      return { type: 'string', ...extra };
    case 'enum':
      return { enum: [...type.values], ...extra };
    case 'int':
      return {
        type: 'integer',
        ...(type.min !== undefined ? { minimum: type.min } : {}),
        ...(type.max !== undefined ? { maximum: type.max } : {}),
        ...extra,
      };
    case 'decimal':
      return { type: ['number', 'string'], ...extra };
    case 'bool':
      return { type: 'boolean', ...extra };
    case 'timestamp':
      return {
        type: 'string',
        format: 'date-time',
        description: 'ISO 8601; without an offset it is read in the organization time zone',
        ...extra,
      };
    case 'date':
      return { type: 'string', format: 'date', ...extra };
    case 'currency':
      return { type: 'string', pattern: '^[A-Z]{3}$', ...extra };
    case 'list':
      return { type: 'array', items: { type: 'string' }, ...extra };
    case 'ratings':
      return { type: 'object', additionalProperties: { type: 'integer', minimum: 1, maximum: 5 }, ...extra };
    case 'attributes':
      return { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] }, ...extra };
  }
}
