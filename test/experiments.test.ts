import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createApiKey } from '../src/auth/index.ts';
import {
  analyzeExperiment,
  createExperiment,
  deleteExperiment,
  listExperiments,
  planExperiment,
} from '../src/analytics/index.ts';
import { main } from '../src/cli/main.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { importRecords } from '../src/ingest/index.ts';
import { saveCustomMetric } from '../src/metrics/custom/store.ts';
import { captureIo } from './helpers/capture-io.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

/**
 * Two teams, control t-a and treatment t-b, in January 2026. Reference values are R 4.2.2's:
 *   prop.test(c(170, 160), c(200, 200), correct = FALSE)
 *   a <- ((0:59 * 7) %% 97 + 5) * 60; b <- ((0:59 * 5) %% 83 + 3) * 60; wilcox.test(b, a, conf.int = TRUE)
 *   t.test(c(rep(5, 170), rep(2, 30)), c(rep(5, 160), rep(2, 40)))
 */
const at = (i: number) => new Date(Date.UTC(2026, 0, 2 + (i % 28), 10, i % 60)).toISOString();
function csat(team: string, satisfied: number, total: number) {
  return Array.from({ length: total }, (_, i) => ({
    id: `c-${team}-${i}`,
    kind: 'csat',
    score: i < satisfied ? 5 : 2,
    team_id: team,
    submitted_at: at(i),
  }));
}
function nps(team: string, promoters: number, passives: number, detractors: number) {
  return Array.from({ length: promoters + passives + detractors }, (_, i) => ({
    id: `n-${team}-${i}`,
    kind: 'nps',
    score: i < promoters ? 10 : i < promoters + passives ? 8 : 3,
    team_id: team,
    submitted_at: at(i),
  }));
}
function tickets(team: string, minutes: (i: number) => number) {
  return Array.from({ length: 60 }, (_, i) => ({
    id: `t-${team}-${i}`,
    team_id: team,
    channel: 'email',
    created_at: at(i),
    first_response_at: new Date(Date.parse(at(i)) + minutes(i) * 60_000).toISOString(),
  }));
}
const close = (actual: number | null | undefined, expected: number, tolerance: number, label: string) =>
  assert.ok(
    actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance,
    `${label}: ${actual} vs ${expected}`,
  );

for (const variant of variants) {
  describe(`experiments on ${variant.name}`, () => {
    async function setup() {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'UTC' });
      await importRecords(db, org, 'teams', {
        objects: [
          { id: 't-a', name: 'Old macros' },
          { id: 't-b', name: 'New macros' },
        ],
      });
      await importRecords(db, org, 'survey_responses', {
        objects: [
          ...csat('t-a', 160, 200),
          ...csat('t-b', 170, 200),
          ...nps('t-a', 50, 20, 30),
          ...nps('t-b', 60, 25, 15),
        ],
      });
      await importRecords(db, org, 'tickets', {
        objects: [...tickets('t-a', (i) => ((i * 7) % 97) + 5), ...tickets('t-b', (i) => ((i * 5) % 83) + 3)],
      });
      return { db, org };
    }

    test('each metric gets the test of its kind, matching R, with Holm across metrics', async () => {
      const { db, org } = await setup();
      const now = new Date('2026-03-01T00:00:00Z');
      await createExperiment(db, org, 'test', {
        name: 'new macros',
        hypothesis: 'Macros rewritten in plain words raise CSAT',
        metrics: ['csat', 'first_response_time', 'nps', 'csat_mean'],
        variant_dimension: 'team',
        control: 't-a',
        treatment: 't-b',
        from: '2026-01-01',
        to: '2026-02-01',
        min_detectable_effect: 0.05,
      });
      const a = await analyzeExperiment(db, org, 'new macros', { now });
      const [share, frt, score, mean] = a.metrics;
      assert.equal(a.design, 'randomized');
      // CSAT: prop.test X-squared 1.7316017, p 0.1882065, interval [-0.02431, 0.12431].
      assert.deepEqual(
        [share!.control.value, share!.control.n, share!.treatment.value, share!.treatment.n],
        [0.8, 200, 0.85, 200],
      );
      assert.equal(share!.test, 'two-proportion-z');
      close(share!.difference, 0.05, 1e-12, 'CSAT difference');
      close(share!.statistic! ** 2, 1.7316017, 1e-6, 'X-squared');
      close(share!.p_value, 0.1882065, 1e-6, 'CSAT p');
      close(share!.ci_low, -0.02431081385, 1e-8, 'CSAT low');
      close(share!.ci_high, 0.12431081385, 1e-8, 'CSAT high');
      assert.equal(
        share!.summary,
        'treatment Customer satisfaction (CSAT) 85.0 % vs 80.0 %, +5.0 pp [-2.4, 12.4], p = 0.188 (Holm 0.376)',
      );
      // First response: medians 2370 s vs 2910 s from the engine; wilcox.test W 1495, p 0.1099727, shift -480.
      assert.deepEqual([frt!.treatment.value, frt!.control.value], [2370, 2910]);
      assert.equal(frt!.test, 'mann-whitney-u');
      close(frt!.statistic, 1495, 0, 'W');
      close(frt!.p_value, 0.1099727, 1e-6, 'FRT p');
      close(frt!.difference, -480, 1e-9, 'Hodges-Lehmann shift');
      close(frt!.ci_low, -1080, 60, 'FRT low');
      close(frt!.ci_high, 120, 60, 'FRT high');
      // NPS: 45 vs 20; V = 0.75 - 0.2025 = 0.5475 and 0.8 - 0.04 = 0.76; se = 100 sqrt(0.013075).
      assert.deepEqual([score!.treatment.value, score!.control.value], [45, 20]);
      assert.equal(score!.test, 'nps-z');
      close(score!.statistic, 25 / (100 * Math.sqrt(0.005475 + 0.0076)), 1e-9, 'NPS z');
      // CSAT mean: Welch t 1.3154599, df 392.9782, p 0.1891223 from the engine's mean and interval.
      assert.equal(mean!.test, 'welch-t');
      close(mean!.statistic, 1.3154599, 1e-6, 't');
      close(mean!.df, 392.9782, 1e-3, 'df');
      close(mean!.p_value, 0.1891223, 1e-6, 'mean p');
      // Holm: the adjusted values are R's p.adjust of the four p-values.
      const raw = a.metrics.map((m) => m.p_value!);
      const order = raw.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
      let running = 0;
      const holm: number[] = [];
      order.forEach(([p, i], rank) => (holm[i] = running = Math.max(running, Math.min(1, (4 - rank) * p))));
      a.metrics.forEach((m, i) => close(m.p_adjusted, holm[i]!, 1e-12, `Holm ${m.metric}`));
      assert.ok(a.metrics.every((m) => m.verdict === 'no_difference'));
      // NPS alone would be significant (p < 0.05); after Holm over four metrics it is too.
      assert.ok(score!.p_value! < 0.05);
      assert.equal(score!.significant, score!.p_adjusted! < 0.05);
      // 200 / 200: no sample-ratio mismatch; fewer than planned for 5 pp (906 per arm at 80 %).
      assert.equal(a.sample_ratio!.mismatch, false);
      assert.equal(a.planned_n_per_arm, 906);
      assert.ok(a.warnings.some((w) => w.includes('906 per arm')));
      assert.ok(!a.warnings.some((w) => w.includes('peeking')));
      assert.ok(a.warnings.some((w) => w.includes('Holm')));
    });

    test('custom KPIs: a share is tested as one, a total is shown without a test', async () => {
      const { db, org } = await setup();
      await saveCustomMetric(
        db,
        org,
        {
          id: 'delighted',
          name: 'Delighted',
          unit: 'ratio',
          formula: "share(survey_responses where kind = 'csat', score >= 5)",
        },
        'create',
      );
      await saveCustomMetric(
        db,
        org,
        { id: 'csat_answers', name: 'CSAT answers', formula: "count(survey_responses where kind = 'csat')" },
        'create',
      );
      await createExperiment(db, org, 'test', {
        name: 'custom',
        metrics: ['delighted', 'csat_answers'],
        variant_dimension: 'team',
        control: 't-a',
        treatment: 't-b',
        from: '2026-01-01',
        to: '2026-02-01',
      });
      const a = await analyzeExperiment(db, org, 'custom', { now: new Date('2026-03-01T00:00:00Z') });
      const [share, total] = a.metrics;
      assert.deepEqual([share!.control.value, share!.treatment.value, share!.test], [0.8, 0.85, 'two-proportion-z']);
      close(share!.p_value, 0.1882065, 1e-6, 'custom share p');
      assert.deepEqual(
        [total!.control.value, total!.treatment.value, total!.test, total!.verdict],
        [200, 200, null, 'not_tested'],
      );
      assert.match(total!.note!, /a total, not a per-unit measure/);
    });

    test('a lopsided split warns loudly, a running experiment warns against peeking', async () => {
      const { db, org } = await setup();
      await createExperiment(db, org, 'test', {
        name: 'ratio',
        metrics: ['csat'],
        variant_dimension: 'team',
        control: 't-a',
        treatment: 't-b',
        from: '2026-01-01',
        to: '2026-02-01',
        treatment_share: 0.3,
      });
      const a = await analyzeExperiment(db, org, 'ratio', { now: new Date('2026-01-20T00:00:00Z') });
      assert.equal(a.sample_ratio!.mismatch, true);
      assert.match(a.warnings[0]!, /^SAMPLE RATIO MISMATCH: 200 control vs 200 treatment, planned 70\/30/);
      assert.ok(a.warnings.some((w) => w.includes('peeking')));
    });

    test('a date split is a before/after comparison and says so', async () => {
      const { db, org } = await setup();
      const e = await createExperiment(db, org, 'test', {
        name: 'mid-month',
        metrics: ['csat'],
        variant_dimension: 'date',
        split: '2026-01-16',
        from: '2026-01-01',
        to: '2026-02-01',
      });
      assert.equal(e.design, 'before_after');
      const a = await analyzeExperiment(db, org, 'mid-month', { now: new Date('2026-03-01T00:00:00Z') });
      assert.equal(a.sample_ratio, null);
      assert.ok(a.warnings.some((w) => w.startsWith('Before/after comparison, not a randomized test')));
      assert.match(a.metrics[0]!.summary, /^after Customer satisfaction/);
      const [c, t] = [a.metrics[0]!.control, a.metrics[0]!.treatment];
      assert.deepEqual([c.from, c.to, t.from, t.to], ['2026-01-01', '2026-01-16', '2026-01-16', '2026-02-01']);
      assert.equal(c.n + t.n, 400);
    });

    test('bad definitions are refused with the field and reason, nothing stored', async () => {
      const { db, org } = await setup();
      const base = {
        metrics: ['csat'],
        variant_dimension: 'team',
        control: 't-a',
        treatment: 't-b',
        from: '2026-01-01',
        to: '2026-02-01',
      };
      await assert.rejects(
        createExperiment(db, org, 'test', { ...base, name: 'x', treatment: 't-a' }),
        /treatment: control and treatment must differ/,
      );
      await assert.rejects(
        createExperiment(db, org, 'test', { ...base, name: 'x', variant_dimension: 'date' }),
        /split: a date split needs/,
      );
      await assert.rejects(
        createExperiment(db, org, 'test', { ...base, name: 'x', variant_dimension: 'priority' }),
        (e: Error & { code?: string }) => e.code === 'unknown-dimension',
      );
      await assert.rejects(createExperiment(db, org, 'test', { ...base, name: 'x', metrics: ['nope'] }));
      assert.deepEqual(await listExperiments(db, org.id), []);
      await createExperiment(db, org, 'test', { ...base, name: 'x' });
      await assert.rejects(
        createExperiment(db, org, 'test', { ...base, name: 'x' }),
        (e: Error & { status?: number }) => e.status === 409,
      );
      await deleteExperiment(db, org.id, 'x');
      await assert.rejects(analyzeExperiment(db, org, 'x'), (e: Error & { status?: number }) => e.status === 404);
    });

    test("the planner: R's power.prop.test for shares, history for the baseline", async () => {
      const { db, org } = await setup();
      const plan = await planExperiment(db, org, { metric: 'csat', min_detectable_effect: 0.05, baseline: 0.8 });
      assert.equal(plan.n_per_arm, 906);
      const history = await planExperiment(db, org, {
        metric: 'csat',
        min_detectable_effect: 0.05,
        from: '2026-01-01',
        to: '2026-02-01',
      });
      assert.equal(history.baseline, 0.825);
      assert.ok(history.days_needed! > 31);
      const frt = await planExperiment(db, org, {
        metric: 'first_response_time',
        min_detectable_effect: 300,
        from: '2026-01-01',
        to: '2026-02-01',
      });
      assert.equal(frt.kind, 'rank');
      assert.ok(frt.sd! > 0 && frt.n_per_arm > 0);
      await assert.rejects(planExperiment(db, org, { metric: 'csat', min_detectable_effect: 0.05 }), /baseline/);
      await assert.rejects(
        planExperiment(db, org, { metric: 'tickets_created', min_detectable_effect: 5, baseline: 1 }),
        /total/,
      );
    });

    test('HTTP: the same JSON, managers define, viewers read', async () => {
      const { db, org } = await setup();
      const app = createApp({ db, config: loadConfig({}, {}), logger: createLogger('silent') });
      const full = (await createApiKey(db.kysely, org.id, { name: 'full', scope: 'full' })).key;
      const read = (await createApiKey(db.kysely, org.id, { name: 'read', scope: 'read' })).key;
      const call = (key: string, method: string, url: string, body?: unknown) =>
        app.request(url, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const body = {
        name: 'http',
        metrics: ['csat'],
        variant_dimension: 'team',
        control: 't-a',
        treatment: 't-b',
        from: '2026-01-01',
        to: '2026-02-01',
      };
      assert.equal((await call(read, 'POST', '/api/v1/experiments', body)).status, 403);
      const bad = await call(full, 'POST', '/api/v1/experiments', { ...body, from: 'soon' });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: { message: string } }).error.message, /from: must be a date/);
      assert.equal((await call(full, 'POST', '/api/v1/experiments', body)).status, 201);
      const analysis = (await (await call(read, 'GET', '/api/v1/experiments/http/analysis')).json()) as {
        metrics: Array<{ metric: string; p_value: number; control: { n: number } }>;
      };
      close(analysis.metrics[0]!.p_value, 0.1882065, 1e-6, 'p over HTTP');
      const plan = await call(read, 'POST', '/api/v1/experiments/plan', {
        metric: 'csat',
        min_detectable_effect: 0.05,
        baseline: 0.8,
      });
      assert.equal(((await plan.json()) as { n_per_arm: number }).n_per_arm, 906);
      assert.equal((await call(read, 'DELETE', '/api/v1/experiments/http')).status, 403);
      assert.equal((await call(full, 'DELETE', '/api/v1/experiments/http')).status, 204);
      const doc = (await (await app.request('/api/openapi.json')).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      for (const [route, method] of [
        ['/api/v1/experiments', 'post'],
        ['/api/v1/experiments/{name}/analysis', 'get'],
        ['/api/v1/experiments/plan', 'post'],
        ['/api/v1/cohorts', 'get'],
        ['/api/v1/clv-model/fit', 'post'],
        ['/api/v1/benchmarks', 'get'],
      ] as const)
        assert.ok(doc.paths[route]?.[method], `${method} ${route} in the OpenAPI document`);
    });
  });
}

describe('experiments CLI', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-experiments-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  test('create, analyze --format json, list, delete', async () => {
    const db = ['--data-dir', dir];
    const file = path.join(dir, 'answers.json');
    fs.writeFileSync(file, JSON.stringify([...csat('t-a', 160, 200), ...csat('t-b', 170, 200)]));
    let out = captureIo();
    assert.equal(await main(['import', 'survey_responses', file, ...db], out), 0, out.text);
    out = captureIo();
    const create = [
      'experiments',
      'create',
      'cli',
      '--metric',
      'csat',
      '--variant-dim',
      'team',
      '--control',
      't-a',
      '--treatment',
      't-b',
    ];
    assert.equal(await main([...create, '--from', '2026-01-01', '--to', '2026-02-01', ...db], out), 0, out.text);
    out = captureIo();
    assert.equal(await main(['experiments', 'analyze', 'cli', '--format', 'json', ...db], out), 0, out.text);
    const analysis = JSON.parse(out.text) as {
      metrics: Array<{ control: { value: number; n: number }; p_value: number; test: string }>;
      sample_ratio: { mismatch: boolean };
    };
    assert.deepEqual([analysis.metrics[0]!.control.value, analysis.metrics[0]!.control.n], [0.8, 200]);
    assert.equal(analysis.metrics[0]!.test, 'two-proportion-z');
    close(analysis.metrics[0]!.p_value, 0.1882065, 1e-6, 'CLI p');
    out = captureIo();
    assert.equal(await main(['experiments', 'analyze', 'cli', ...db], out), 0);
    assert.match(
      out.text,
      /treatment Customer satisfaction \(CSAT\) 85\.0 % vs 80\.0 %, \+5\.0 pp \[-2\.4, 12\.4\], p = 0\.188/,
    );
    out = captureIo();
    assert.equal(
      await main(['experiments', 'plan', '--metric', 'csat', '--mde', '0.05', '--baseline', '0.8', ...db], out),
      0,
    );
    assert.match(out.text, /^906 per arm/);
    out = captureIo();
    assert.equal(
      await main(
        [
          'experiments',
          'create',
          'cli2',
          '--metric',
          'csat',
          '--variant-dim',
          'team',
          '--control',
          't-a',
          '--from',
          '2026-01-01',
          '--to',
          '2026-02-01',
          ...db,
        ],
        out,
      ),
      2,
    );
    assert.match(out.text, /control: name the control and the treatment values/);
    out = captureIo();
    assert.equal(await main(['experiments', 'delete', 'cli', ...db], out), 0);
    out = captureIo();
    assert.equal(await main(['experiments', 'list', ...db], out), 0);
    assert.match(out.text, /No experiments/);
  });

  test('cohorts, clv-model fit and benchmarks from the command line', async () => {
    const db = ['--data-dir', dir];
    const file = path.join(dir, 'orders.json');
    // Three customers: x ordered in January and March, y in January only, z in February.
    const orders = [
      ['o1', 'x', '2026-01-05'],
      ['o2', 'x', '2026-03-05'],
      ['o3', 'y', '2026-01-10'],
      ['o4', 'z', '2026-02-02'],
    ].map(([id, customer, day]) => ({ id, customer_id: customer, amount: 10, ordered_at: `${day}T10:00:00Z` }));
    fs.writeFileSync(file, JSON.stringify(orders));
    let out = captureIo();
    assert.equal(await main(['import', 'orders', file, ...db], out), 0, out.text);
    out = captureIo();
    const cohorts = ['cohorts', '--metric', 'customer_retention', '--from', '2026-01-01', '--to', '2026-04-01'];
    assert.equal(await main([...cohorts, '--format', 'json', ...db], out), 0, out.text);
    const result = JSON.parse(out.text) as {
      cohorts: Array<{ cohort: string; cells: Array<{ retained: number; n: number }> }>;
    };
    assert.deepEqual(
      result.cohorts.map((c) => [c.cohort, c.cells.map((cell) => `${cell.retained}/${cell.n}`).join(' ')]),
      [
        ['2026-01', '2/2 0/2 1/2'],
        ['2026-02', '1/1 0/1'],
      ],
    );
    out = captureIo();
    assert.equal(await main(cohorts.concat(db), out), 0);
    assert.match(out.text, /2026-01\t2\t100\.0% \(2\)\t0\.0% \(0\)\t50\.0% \(1\)/);
    out = captureIo();
    assert.equal(
      await main(['cohorts', '--metric', 'loyalty', '--from', '2026-01-01', '--to', '2026-04-01', ...db], out),
      2,
    );
    assert.match(out.text, /metric/);
    out = captureIo();
    assert.equal(
      await main(['clv-model', 'fit', '--to', '2026-04-01', '--customers', '3', '--format', 'json', ...db], out),
      0,
      out.text,
    );
    const fit = JSON.parse(out.text) as {
      models: Array<{ customers: number; repeat_customers: number }>;
      customers: Array<{ customer_id: string; x: number }>;
    };
    assert.deepEqual([fit.models[0]!.customers, fit.models[0]!.repeat_customers], [3, 1]);
    assert.equal(fit.customers.find((c) => c.customer_id === 'x')!.x, 1);
    out = captureIo();
    assert.equal(await main(['benchmarks', 'list', '--metric', 'csat', ...db], out), 0);
    assert.match(out.text, /csat-good {2}csat {2}all industries {2}0\.75–0\.85/);
  });
});
