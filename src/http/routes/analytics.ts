import { Hono } from 'hono';
import { z } from 'zod';
import { dataScope, recordAudit } from '../../auth/index.ts';
import type { BenchmarkList, ExperimentList } from '../../contract/api.ts';
import {
  addBenchmark,
  analyzeExperiment,
  BENCHMARK_VERSION,
  deleteBenchmark,
  listBenchmarks,
  computeCohorts,
  createExperiment,
  deleteExperiment,
  fitClvModel,
  listExperiments,
  planExperiment,
} from '../../analytics/index.ts';
import { requireAccess, type AppDeps, type AppEnv } from '../app.ts';
import { parseBody } from './auth.ts';

/**
 * Customer analytics (src/analytics): experiments (define: the experiments permission; read and
 * analyze: query), the sample-size planner, cohorts and the CLV model (query). Same JSON as the CLI.
 */
export function analyticsRoutes(deps: AppDeps) {
  const body = z.record(z.string(), z.unknown());
  return new Hono<AppEnv>()
    .get('/api/v1/experiments', requireAccess(deps, 'query'), async (c) =>
      c.json({ experiments: await listExperiments(deps.db, c.get('org').id) } satisfies ExperimentList),
    )
    .post('/api/v1/experiments', requireAccess(deps, 'experiments'), async (c) => {
      const input = await parseBody(c, body);
      const experiment = await createExperiment(deps.db, c.get('org'), c.get('access').actor, input as never, {
        scope: dataScope(c.get('access')),
      });
      await recordAudit(deps.db.kysely, c.get('access'), 'experiment.created', experiment.id, { ...experiment });
      return c.json(experiment, 201);
    })
    .post('/api/v1/experiments/plan', requireAccess(deps, 'query'), async (c) => {
      const input = await parseBody(c, body);
      return c.json(await planExperiment(deps.db, c.get('org'), input as never, { scope: dataScope(c.get('access')) }));
    })
    .get('/api/v1/experiments/:name/analysis', requireAccess(deps, 'query'), async (c) =>
      c.json(
        await analyzeExperiment(deps.db, c.get('org'), String(c.req.param('name')), {
          scope: dataScope(c.get('access')),
        }),
      ),
    )
    .delete('/api/v1/experiments/:name', requireAccess(deps, 'experiments'), async (c) => {
      const removed = await deleteExperiment(deps.db, c.get('org').id, String(c.req.param('name')));
      await recordAudit(deps.db.kysely, c.get('access'), 'experiment.deleted', removed.id, { ...removed });
      return c.body(null, 204);
    })
    .get('/api/v1/cohorts', requireAccess(deps, 'query'), async (c) => {
      const q = c.req.query();
      return c.json(
        await computeCohorts(deps.db, c.get('org'), {
          metric: q.metric as never,
          from: q.from ?? '',
          to: q.to ?? '',
          grain: q.grain as never,
          by: q.by as never,
          basis: q.basis as never,
        }),
      );
    })
    .get('/api/v1/benchmarks', requireAccess(deps, 'query'), async (c) =>
      c.json({
        version: BENCHMARK_VERSION,
        benchmarks: await listBenchmarks(deps.db, c.get('org').id, c.req.query('metric') || undefined),
      } satisfies BenchmarkList),
    )
    .post('/api/v1/benchmarks', requireAccess(deps, 'experiments'), async (c) => {
      const input = await parseBody(c, body);
      const saved = await addBenchmark(deps.db, c.get('org').id, c.get('access').actor, input as never);
      await recordAudit(deps.db.kysely, c.get('access'), 'benchmark.added', saved.id, { ...saved });
      return c.json(saved, 201);
    })
    .delete('/api/v1/benchmarks/:id', requireAccess(deps, 'experiments'), async (c) => {
      await deleteBenchmark(deps.db, c.get('org').id, String(c.req.param('id')));
      await recordAudit(deps.db.kysely, c.get('access'), 'benchmark.deleted', String(c.req.param('id')));
      return c.body(null, 204);
    })
    .post('/api/v1/clv-model/fit', requireAccess(deps, 'query'), async (c) => {
      const input = await parseBody(c, body);
      return c.json(await fitClvModel(deps.db, c.get('org'), input as never));
    });
}
