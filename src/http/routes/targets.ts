import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../../auth/index.ts';
import type { Scorecard, TargetList } from '../../contract/api.ts';
import { badRequest } from '../../errors.ts';
import { csvRow } from '../../export/csv.ts';
import { writeXlsx } from '../../export/xlsx.ts';
import { computeScorecard, deleteTarget, listTargets, scorecardTable, setTarget } from '../../kpi/index.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';
import { parseBody } from './auth.ts';

/**
 * KPI targets: list (anyone who may query), set and delete (owners, admins, managers; team
 * leads for their teams; the module decides). Query rows carry the verdicts.
 */
export function targetRoutes(deps: AppDeps) {
  return (
    new Hono<AppEnv>()
      .get('/api/v1/targets', requireAccess(deps, 'query'), async (c) =>
        c.json({ targets: await listTargets(deps.db.kysely, c.get('org').id) } satisfies TargetList<Date>),
      )
      .post('/api/v1/targets', requireAccess(deps, 'query'), async (c) => {
        const body = await parseBody(c, z.record(z.string(), z.unknown()));
        const target = await setTarget(deps.db, c.get('org'), c.get('access'), body as never);
        await recordAudit(deps.db.kysely, c.get('access'), 'target.set', target.id, { ...target });
        return c.json(target, 201);
      })
      // ?period=2026-03&team=&agent=&by=agent|team&metrics=a,b&weights=csat:2,fcr_rate:1&format=json|csv|xlsx
      .get('/api/v1/scorecard', requireAccess(deps, 'query'), async (c) => {
        const q = c.req.query();
        const format = q.format ?? 'json';
        if (!['json', 'csv', 'xlsx'].includes(format))
          throw badRequest('invalid-format', 'format is json, csv or xlsx.');
        let weights: Record<string, number> | undefined;
        if (q.weights) {
          weights = {};
          for (const item of q.weights.split(',')) {
            const [metric, weight] = item.split(':');
            if (!metric || !(Number(weight) > 0))
              throw badRequest('invalid-weights', `weights "${item}" must be METRIC:WEIGHT with a positive weight.`);
            weights[metric] = Number(weight);
          }
        }
        const card = await computeScorecard(deps.db, c.get('org'), c.get('access'), {
          period: q.period ?? '',
          team: q.team,
          agent: q.agent,
          by: q.by as never,
          metrics: q.metrics ? q.metrics.split(',') : undefined,
          weights,
        });
        if (format === 'json') return c.json(card satisfies Scorecard);
        const table = scorecardTable(card);
        const name = `scorecard-${card.period}`;
        if (format === 'csv')
          return c.body(
            '\ufeff' +
              csvRow(table.columns) +
              table.rows.map((row) => csvRow(table.columns.map((k) => row[k]))).join(''),
            200,
            {
              'content-type': 'text/csv; charset=utf-8',
              'content-disposition': `attachment; filename="${name}.csv"`,
            },
          );
        const file = await writeXlsx([{ name: `Scorecard ${card.period}`, ...table }]);
        return c.body(new Uint8Array(file), 200, {
          'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'content-disposition': `attachment; filename="${name}.xlsx"`,
        });
      })
      .delete('/api/v1/targets/:id', requireAccess(deps, 'query'), async (c) => {
        const target = await deleteTarget(deps.db, c.get('org').id, c.get('access'), String(c.req.param('id')));
        await recordAudit(deps.db.kysely, c.get('access'), 'target.deleted', target.id, { ...target });
        return c.body(null, 204);
      })
  );
}
