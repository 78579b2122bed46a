import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addMember, createUser, type Role } from '../src/auth/index.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import type { PresentedMetric } from '../src/http/routes/metrics.ts';
import { importRecords } from '../src/ingest/index.ts';
import { METRIC_TRANSLATIONS } from '../src/metrics/catalog/translations.ts';
import { listMetrics } from '../src/metrics/index.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

// The catalog in the reader's language, and what each caller may query, as GET /api/v1/metrics
// gives them to the dashboard.

test('every catalog metric and each of its options is described in Russian and Lithuanian', () => {
  const missing: string[] = [];
  for (const metric of listMetrics()) {
    const texts = METRIC_TRANSLATIONS[metric.id];
    for (const language of ['ru', 'lt'] as const) {
      const text = texts?.[language];
      if (!text?.description.trim()) missing.push(`${metric.id} (${language})`);
      for (const option of metric.options ?? [])
        if (!text?.options?.[option.id]?.trim()) missing.push(`${metric.id}.${option.id} (${language})`);
    }
  }
  assert.deepEqual(missing, []);
  const known = new Set(listMetrics().map((m) => m.id));
  assert.deepEqual(
    Object.keys(METRIC_TRANSLATIONS).filter((id) => !known.has(id)),
    [],
    'no translations of metrics that are gone',
  );
});

for (const variant of variants) {
  describe(`GET /api/v1/metrics on ${variant.name}`, async () => {
    const db = await variant.db();

    test('gives descriptions in every language, scales, and per caller whether they may query', async () => {
      const org = await createTestOrg(db, { timezone: 'UTC' });
      await importRecords(db, org, 'teams', { objects: [{ id: 't1', name: 'One' }] });
      await importRecords(db, org, 'agents', { objects: [{ id: 'a1', name: 'Ann', team_id: 't1' }] });
      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('error', () => {}) });
      const catalogOf = async (role: Role, membership: Record<string, unknown> = {}) => {
        const email = `${role}-${org.slug.slice(-8)}@example.com`;
        const user = await createUser(db.kysely, { email, password: 'a long enough password 1' });
        await addMember(db.kysely, org.id, user.id, { role, ...membership } as never);
        const login = await app.request('/api/v1/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: 'a long enough password 1' }),
        });
        assert.equal(login.status, 200);
        const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
        const response = await app.request('/api/v1/metrics', { headers: { cookie } });
        assert.equal(response.status, 200);
        const { metrics } = (await response.json()) as { metrics: PresentedMetric[] };
        return new Map(metrics.map((m) => [m.id, m]));
      };

      const manager = await catalogOf('manager');
      const ces = manager.get('ces')!;
      assert.deepEqual(ces.scale, { min: 1, max: 7 });
      assert.deepEqual(manager.get('nps')!.scale, { min: -100, max: 100 });
      assert.equal(manager.get('csat')!.scale, null, 'a share has its unit for a scale');
      assert.deepEqual(manager.get('csat')!.sources, ['survey_responses']);
      assert.deepEqual(
        new Set(manager.get('support_cost_to_revenue')!.sources),
        new Set(['costs', 'orders', 'customers']),
      );
      assert.equal(ces.descriptions.en, ces.description);
      assert.match(ces.descriptions.ru, /очень легко/);
      assert.match(ces.descriptions.lt, /labai lengva/);
      const fcr = manager.get('fcr_rate')!.options.find((o) => o.id === 'one_touch')!;
      assert.match(fcr.descriptions.ru, /Zendesk/);
      assert.notEqual(fcr.descriptions.ru, fcr.descriptions.en);
      assert.ok(
        [...manager.values()].every((m) => m.queryable && m.reason === null),
        'a manager queries all',
      );

      const agent = await catalogOf('agent', { agent_id: 'a1' });
      assert.equal(agent.get('first_response_time')!.queryable, true);
      assert.equal(agent.get('support_cost')!.queryable, true, 'costs are team data');
      const churn = agent.get('customer_churn_rate')!;
      assert.equal(churn.queryable, false);
      assert.equal(churn.reason?.code, 'not-team-data');
      assert.match(churn.reason!.message, /^Customer churn rate is computed from customers/, 'named, not its id');
      assert.equal(agent.get('support_cost_to_revenue')!.queryable, false, 'revenue is not team data');

      const lead = await catalogOf('team_lead', { teams: ['t1'] });
      assert.equal(lead.get('arpu')!.queryable, false);
      const viewer = await catalogOf('viewer');
      assert.ok(
        [...viewer.values()].every((m) => m.queryable),
        'viewers see aggregates of every metric',
      );
    });
  });
}
