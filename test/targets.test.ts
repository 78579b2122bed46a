import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiKey, OPERATOR, type Access } from '../src/auth/index.ts';
import { main } from '../src/cli/main.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/http/app.ts';
import { createLogger } from '../src/http/logger.ts';
import { importRecords } from '../src/ingest/index.ts';
import { computeScorecard, deleteTarget, judge, listTargets, setTarget, weightedScore } from '../src/kpi/index.ts';
import { queryMetrics } from '../src/metrics/index.ts';
import { captureIo } from './helpers/capture-io.ts';
import { createTestOrg, variants } from './helpers/databases.ts';

/**
 * Hand-worked attainment: team t1's CSAT is 32/40 = 80 % in January, 36/40 = 90 % in February and
 * 3/3 in March (below CSAT's minimum sample of 30); its median first response is 30 minutes in
 * January and 2 hours in February.
 */
function answers(month: string, team: string, satisfied: number, total: number) {
  return Array.from({ length: total }, (_, i) => ({
    id: `${team}-${month}-${i}`,
    kind: 'csat',
    score: i < satisfied ? 5 : 2,
    team_id: team,
    submitted_at: `2026-${month}-10T10:00:00Z`,
  }));
}
function tickets(month: string, team: string, minutes: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `k-${team}-${month}-${i}`,
    team_id: team,
    channel: 'email',
    created_at: `2026-${month}-05T09:00:00Z`,
    first_response_at: new Date(Date.parse(`2026-${month}-05T09:00:00Z`) + minutes * 60_000).toISOString(),
  }));
}

for (const variant of variants) {
  describe(`targets on ${variant.name}`, () => {
    async function setup() {
      const db = await variant.db();
      const org = await createTestOrg(db, { timezone: 'UTC' });
      await importRecords(db, org, 'teams', {
        objects: [
          { id: 't1', name: 'Billing' },
          { id: 't2', name: 'Sales' },
        ],
      });
      await importRecords(db, org, 'survey_responses', {
        objects: [
          ...answers('01', 't1', 32, 40),
          ...answers('02', 't1', 36, 40),
          ...answers('03', 't1', 3, 3),
          ...answers('01', 't2', 40, 40),
        ],
      });
      await importRecords(db, org, 'tickets', {
        objects: [...tickets('01', 't1', 30, 40), ...tickets('02', 't1', 120, 40)],
      });
      const owner: Access = { ...OPERATOR, orgId: org.id };
      const csat = (extra: Record<string, unknown> = {}) =>
        queryMetrics(db, org, { metrics: ['csat'], from: '2026-01-01', to: '2026-04-01', grain: 'month', ...extra });
      return { db, org, owner, csat };
    }

    test('direction, low sample, scope and a target changed mid-year', async () => {
      const { db, org, owner, csat } = await setup();
      // Before any target the rows are as they were.
      const before = await csat({ where: { team: 't1' } });
      assert.equal('attainment' in before.rows[0]!, false);

      await setTarget(db, org, owner, { metric: 'csat', value: 0.85, scope: { team: 't1' }, from: '2026-01-01' });
      let result = await csat({ where: { team: 't1' } });
      assert.deepEqual(
        result.rows.map((r) => [r.period, r.value, r.target, r.attainment]),
        [
          ['2026-01-01', 0.8, 0.85, 'missed'],
          ['2026-02-01', 0.9, 0.85, 'met'],
          ['2026-03-01', 1, 0.85, 'not_enough_data'],
        ],
      );
      assert.equal(result.rows[0]!.miss_significant, false, '80 % of 40 does not rule out 85 %');

      // From February the target is 95 %: January keeps the target that was in force then.
      await setTarget(db, org, owner, { metric: 'csat', value: 0.95, scope: { team: 't1' }, from: '2026-02-01' });
      result = await csat({ where: { team: 't1' } });
      assert.deepEqual(
        result.rows.map((r) => [r.period, r.target, r.attainment]),
        [
          ['2026-01-01', 0.85, 'missed'],
          ['2026-02-01', 0.95, 'missed'],
          ['2026-03-01', 0.95, 'not_enough_data'],
        ],
      );
      const history = await listTargets(db.kysely, org.id);
      assert.deepEqual(
        history.map((t) => [t.value, t.valid_from, t.valid_to]),
        [
          [0.85, '2026-01-01', '2026-02-01'],
          [0.95, '2026-02-01', null],
        ],
      );

      // Grouped by team: t1's rows are judged, t2 has no target; the organization's row neither.
      const byTeam = await csat({ by: ['team'], from: '2026-01-01', to: '2026-02-01' });
      assert.deepEqual(
        byTeam.rows.map((r) => [r.group.team, r.attainment]),
        [
          ['t1', 'missed'],
          ['t2', 'no_target'],
        ],
      );
      const whole = await csat({ from: '2026-01-01', to: '2026-02-01' });
      assert.equal(whole.rows[0]!.attainment, 'no_target');
      // A quarterly query is not judged by monthly targets.
      const quarter = await csat({ where: { team: 't1' }, grain: 'quarter' });
      assert.equal(quarter.rows[0]!.attainment, 'no_target');
    });

    test('lower is better for durations; a miss is significant when the whole interval is past the target', async () => {
      const { db, org, owner } = await setup();
      await setTarget(db, org, owner, { metric: 'first_response_time', value: 3600, from: '2026-01-01' });
      const result = await queryMetrics(db, org, {
        metrics: ['first_response_time'],
        from: '2026-01-01',
        to: '2026-03-01',
        grain: 'month',
      });
      assert.deepEqual(
        result.rows.map((r) => [r.value, r.attainment]),
        [
          [1800, 'met'],
          [7200, 'missed'],
        ],
      );
      await setTarget(db, org, owner, { metric: 'csat', value: 0.99, scope: { team: 't1' }, from: '2026-02-01' });
      const strict = await queryMetrics(db, org, {
        metrics: ['csat'],
        from: '2026-02-01',
        to: '2026-03-01',
        where: { team: 't1' },
      });
      assert.deepEqual([strict.rows[0]!.attainment, strict.rows[0]!.miss_significant], ['missed', true]);
    });

    test('who may set targets, and what is refused', async () => {
      const { db, org, owner } = await setup();
      const lead: Access = {
        ...OPERATOR,
        orgId: org.id,
        kind: 'user',
        role: 'team_lead',
        actor: 'lead',
        teams: ['t2'],
      };
      await assert.rejects(
        setTarget(db, org, lead, { metric: 'csat', value: 0.9, scope: { team: 't1' } }),
        /team lead sets targets for their teams only/,
      );
      await assert.rejects(setTarget(db, org, lead, { metric: 'csat', value: 0.9 }), /their teams only/);
      const mine = await setTarget(db, org, lead, { metric: 'csat', value: 0.9, scope: { team: 't2' } });
      assert.equal(mine.created_by, 'lead');
      const viewer: Access = { ...OPERATOR, orgId: org.id, kind: 'user', role: 'viewer', actor: 'v' };
      await assert.rejects(setTarget(db, org, viewer, { metric: 'csat', value: 0.9 }), /Only owners/);
      await assert.rejects(setTarget(db, org, owner, { metric: 'tickets_created', value: 10 }), /neither better/);
      await assert.rejects(setTarget(db, org, owner, { metric: 'nope', value: 1 }), /There is no metric "nope"/);
      // Values the metric can never take: a share written as a percentage, NPS past 100, a negative time.
      for (const [metric, value, range] of [
        ['csat', 85, /0 to 1 \(a share: 0\.85 for 85 %\)/],
        ['nps', 200, /-100 to 100/],
        ['first_response_time', -5, /at least 0/],
      ] as const)
        await assert.rejects(setTarget(db, org, owner, { metric, value }), (error: any) => {
          assert.equal(error.code, 'invalid-target');
          assert.match(error.message, range);
          assert.deepEqual(error.details[0].field, 'value');
          return true;
        });
      await assert.rejects(
        setTarget(db, org, owner, { metric: 'csat', value: 0.9, from: '2026-01-15' }),
        /not the first day of a month/,
      );
      await assert.rejects(
        setTarget(db, org, owner, { metric: 'csat', value: Number.NaN }),
        (error: { code?: string }) => error.code === 'invalid-target',
      );
      await assert.rejects(
        setTarget(db, org, owner, { metric: 'csat', value: 0.9, scope: { planet: 'mars' } }),
        (error: { status?: number }) => error.status === 400,
        'the engine refuses an unknown dimension',
      );
      await assert.rejects(deleteTarget(db, org.id, viewer, mine.id), /Only owners/);
      await assert.rejects(deleteTarget(db, org.id, owner, 'not-an-id'), /No target not-an-id/);
      const other = await createTestOrg(db);
      await assert.rejects(deleteTarget(db, other.id, owner, mine.id), /No target/, "not another organization's");
      await deleteTarget(db, org.id, owner, mine.id);
      assert.equal((await listTargets(db.kysely, org.id)).length, 0);
    });

    test('over HTTP: set with a full key, read with a read key, verdicts in POST /api/v1/query', async () => {
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
      const bad = await call(full, 'POST', '/api/v1/targets', { metric: 'csat', value: 'high' });
      assert.equal(bad.status, 400);
      const error = ((await bad.json()) as { error: { code: string; details: Array<{ field: string }> } }).error;
      assert.deepEqual([error.code, error.details[0]!.field], ['invalid-target', 'value']);
      assert.equal((await call(read, 'POST', '/api/v1/targets', { metric: 'csat', value: 0.9 })).status, 403);
      const created = await call(full, 'POST', '/api/v1/targets', {
        metric: 'csat',
        value: 0.85,
        scope: { team: 't1' },
        from: '2026-01-01',
      });
      assert.equal(created.status, 201);
      const { id } = (await created.json()) as { id: string };
      const listed = (await (await call(read, 'GET', '/api/v1/targets')).json()) as { targets: Array<{ id: string }> };
      assert.deepEqual(
        listed.targets.map((t) => t.id),
        [id],
      );
      const query = await call(read, 'POST', '/api/v1/query', {
        metrics: ['csat'],
        from: '2026-01-01',
        to: '2026-03-01',
        by: ['team'],
      });
      const rows = ((await query.json()) as { rows: Array<{ group: { team: string }; attainment: string }> }).rows;
      assert.deepEqual(
        rows.map((r) => [r.group.team, r.attainment]),
        [
          ['t1', 'missed'],
          ['t2', 'no_target'],
          ['t1', 'met'],
          ['t2', 'no_target'],
        ],
      );
      assert.equal((await call(full, 'DELETE', `/api/v1/targets/${id}`)).status, 204);
      assert.equal((await call(full, 'DELETE', `/api/v1/targets/${id}`)).status, 404);
    });

    test('scorecards: targeted KPIs per agent with the team beside them, ranked only where fair', async () => {
      const { db, org, owner } = await setup();
      // Agents of team t3: a1 and a2 answer by e-mail, a3 by chat (faster by nature); a4 has 5 answers.
      const responses = (agent: string, satisfied: number, total: number) =>
        Array.from({ length: total }, (_, i) => ({
          id: `r-${agent}-${i}`,
          kind: 'csat',
          score: i < satisfied ? 5 : 1,
          team_id: 't3',
          agent_id: agent,
          submitted_at: '2026-05-10T10:00:00Z',
        }));
      const work = (agent: string, channel: string, minutes: number) =>
        Array.from({ length: 40 }, (_, i) => ({
          id: `w-${agent}-${i}`,
          team_id: 't3',
          agent_id: agent,
          channel,
          created_at: '2026-05-05T09:00:00Z',
          first_response_at: new Date(Date.parse('2026-05-05T09:00:00Z') + minutes * 60_000).toISOString(),
        }));
      await importRecords(db, org, 'teams', { objects: [{ id: 't3', name: 'Support' }] });
      await importRecords(db, org, 'agents', {
        objects: ['a1', 'a2', 'a3', 'a4'].map((id) => ({ id, name: id.toUpperCase(), team_id: 't3' })),
      });
      await importRecords(db, org, 'survey_responses', {
        objects: [
          ...responses('a1', 36, 40),
          ...responses('a2', 30, 40),
          ...responses('a3', 38, 40),
          ...responses('a4', 5, 5),
        ],
      });
      await importRecords(db, org, 'tickets', {
        objects: [
          ...work('a1', 'email', 60),
          ...work('a2', 'email', 90),
          ...work('a3', 'chat', 5),
          ...work('a4', 'email', 1),
        ],
      });
      await setTarget(db, org, owner, { metric: 'csat', value: 0.85, scope: { agent: 'a1' }, from: '2026-05-01' });
      await setTarget(db, org, owner, {
        metric: 'first_response_time',
        value: 4000,
        scope: { agent: 'a1' },
        from: '2026-05-01',
      });

      const card = await computeScorecard(db, org, owner, { period: '2026-05', team: 't3', by: 'agent' });
      const get = (agent: string, metric: string) =>
        card.subjects.find((s) => s.scope.agent === agent)!.lines.find((l) => l.metric === metric)!;
      assert.deepEqual(
        card.subjects.map((s) => s.scope.agent),
        ['a1', 'a2', 'a3', 'a4'],
      );
      assert.deepEqual([get('a1', 'csat').value, get('a1', 'csat').attainment], [0.9, 'met']);
      assert.equal(get('a2', 'csat').attainment, 'no_target', 'a target of a1 is not a target of a2');
      assert.equal(get('a1', 'csat').target_scope, 'own');

      // With a team target, agents without their own are judged by it, and the card says so.
      await setTarget(db, org, owner, { metric: 'csat', value: 0.8, scope: { team: 't3' }, from: '2026-05-01' });
      const inherited = await computeScorecard(db, org, owner, { period: '2026-05', team: 't3', by: 'agent' });
      const line = (agent: string) =>
        inherited.subjects.find((s) => s.scope.agent === agent)!.lines.find((l) => l.metric === 'csat')!;
      assert.deepEqual(
        ['a1', 'a2', 'a3', 'a4'].map((a) => [line(a).target, line(a).target_scope, line(a).attainment]),
        [
          [0.85, 'own', 'met'],
          [0.8, 'team', 'missed'],
          [0.8, 'team', 'met'],
          [0.8, 'team', 'not_enough_data'],
        ],
      );
      // The team's CSAT beside each agent: (36 + 30 + 38 + 5) / 125.
      assert.equal(get('a2', 'csat').context!.level, 'team');
      assert.ok(Math.abs(get('a2', 'csat').context!.value! - 109 / 125) < 1e-12);
      // CSAT ranks a3 > a1 > a2; a4's 5 answers are a low sample: no rank.
      assert.deepEqual(
        ['a1', 'a2', 'a3', 'a4'].map((a) => [get(a, 'csat').rank, get(a, 'csat').ranked_among]),
        [
          [2, 3],
          [3, 3],
          [1, 3],
          [null, null],
        ],
      );
      // First response: a3 works chat and is not ranked against the e-mail agents.
      assert.deepEqual(
        ['a1', 'a2', 'a3', 'a4'].map((a) => get(a, 'first_response_time').rank),
        [2, 3, null, 1],
      );
      assert.deepEqual(card.subjects.find((s) => s.scope.agent === 'a3')!.channel_mix, { chat: 1 });

      const weighted = await computeScorecard(db, org, owner, {
        period: '2026-05',
        agent: 'a1',
        weights: { csat: 2, first_response_time: 1 },
      });
      const [a1] = weighted.subjects;
      assert.equal(a1!.lines.find((l) => l.metric === 'first_response_time')!.attainment, 'met');
      assert.deepEqual(a1!.score, { value: 1, weights: { csat: 2, first_response_time: 1 }, counted: 2 });
      assert.equal(a1!.lines[0]!.context!.level, 'organization');

      await assert.rejects(computeScorecard(db, org, owner, { period: '2026-13' }), /YYYY-MM, YYYY-Qn or YYYY/);
      await assert.rejects(computeScorecard(db, org, owner, { period: '2025-01' }), /No KPI has a monthly target/);
      const viewer: Access = {
        ...OPERATOR,
        orgId: org.id,
        kind: 'user',
        role: 'viewer',
        actor: 'v',
        aggregatesOnly: true,
      };
      await assert.rejects(
        computeScorecard(db, org, viewer, { period: '2026-05', team: 't3', by: 'agent' }),
        (error: { status?: number }) => error.status === 403,
        'a viewer sees no single agents',
      );
    });
  });
}

test('judge: direction, no value, low sample, significance', () => {
  const row = (value: number | null, low_sample = false, ci: [number, number] | [null, null] = [null, null]) => ({
    value,
    low_sample,
    ci_low: ci[0],
    ci_high: ci[1],
  });
  assert.equal(judge(row(0.9), 0.85, 'higher_is_better').attainment, 'met');
  assert.equal(judge(row(0.85), 0.85, 'higher_is_better').attainment, 'met', 'reaching the target meets it');
  assert.equal(judge(row(100), 60, 'lower_is_better').attainment, 'missed');
  assert.equal(judge(row(null), 60, 'lower_is_better').attainment, 'not_enough_data');
  assert.equal(judge(row(10, true), 60, 'lower_is_better').attainment, 'not_enough_data');
  assert.equal(judge(row(10), null, 'lower_is_better').attainment, 'no_target');
  assert.equal(judge(row(0.7, false, [0.6, 0.8]), 0.85, 'higher_is_better').miss_significant, true);
  assert.equal(judge(row(0.8, false, [0.7, 0.9]), 0.85, 'higher_is_better').miss_significant, false);
  assert.equal(judge(row(90, false, [70, 110]), 60, 'lower_is_better').miss_significant, true);
  assert.equal(judge(row(90), 60, 'lower_is_better').miss_significant, null, 'no interval, no verdict on significance');
});

test('cxkpi targets set, list and delete', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cxkpi-targets-'));
  const io = captureIo;
  try {
    const db = ['--data-dir', path.join(dir, 'data')];
    let out = io();
    assert.equal(await main(['targets', 'set', 'csat', '--value', 'lots', ...db], out), 2);
    assert.match(out.text, /--value "lots" must be a number/);
    out = io();
    assert.equal(await main(['targets', 'set', 'csat', '--value', '0.85', '--scope', 'team', ...db], out), 2);
    assert.match(out.text, /--scope "team" must be DIM=ID/);
    out = io();
    const set = ['targets', 'set', 'csat', '--value', '0.85', '--scope', 'team=t1', '--from', '2026-01-01'];
    assert.equal(await main([...set, ...db, '--format', 'json'], out), 0);
    const saved = JSON.parse(out.text) as { id: string; scope: unknown; valid_from: string };
    assert.deepEqual([saved.scope, saved.valid_from], [{ team: 't1' }, '2026-01-01']);
    out = io();
    assert.equal(await main(['targets', 'list', ...db], out), 0);
    assert.match(out.text, /csat 0\.85 per month, team=t1, from 2026-01-01/);
    out = io();
    assert.equal(await main(['targets', 'delete', saved.id, ...db], out), 0);
    out = io();
    assert.equal(await main(['targets', 'list', ...db], out), 0);
    assert.match(out.text, /No targets/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('weighted score: the weighted share of targets met, not enough data left out', () => {
  const lines = [
    { metric: 'csat', attainment: 'met' as const },
    { metric: 'fcr_rate', attainment: 'missed' as const },
    { metric: 'nps', attainment: 'not_enough_data' as const },
  ];
  assert.deepEqual(weightedScore(lines, { csat: 3, fcr_rate: 1, nps: 5 }), {
    value: 0.75,
    weights: { csat: 3, fcr_rate: 1, nps: 5 },
    counted: 2,
  });
  assert.equal(weightedScore(lines, { nps: 1 }).value, null);
});
