import { z } from 'zod';
import type { Db } from '../../db/connect.ts';
import type { Organization } from '../../orgs/index.ts';
import { getMetric } from '../catalog/index.ts';
import type { MetricDef, MetricEntity } from '../catalog/types.ts';
import { compileFormula } from './compile.ts';

/** A custom KPI as an organization defines it, and as a catalog entry the engine can query. */
export const ZCustomMetricInput = z.object({
  id: z
    .string()
    .regex(/^[a-z][a-z0-9_]{1,62}$/, 'is 2-63 lowercase letters, digits and underscores, starting with a letter')
    .refine((id) => !getMetric(id), 'is the id of a catalog metric; choose another'),
  name: z.string().trim().min(1).max(200),
  names: z
    .object({ ru: z.string().trim().min(1).max(200).optional(), lt: z.string().trim().min(1).max(200).optional() })
    .default({}),
  description: z.string().max(2000).default(''),
  unit: z.enum(['ratio', 'nps', 'score', 'seconds', 'count', 'money', 'number']).default('number'),
  direction: z.enum(['higher_is_better', 'lower_is_better', 'neutral']).default('higher_is_better'),
  formula: z.string().trim().min(1, 'is required'),
  min_sample: z.number().int().min(0).max(1_000_000).default(30),
});
export type CustomMetricInput = z.input<typeof ZCustomMetricInput>;

export interface CustomMetric {
  id: string;
  names: { en: string; ru: string; lt: string };
  description: string;
  unit: MetricDef['unit'];
  direction: MetricDef['direction'];
  formula: string;
  min_sample: number;
  created_at: string;
  updated_at: string;
}

export async function loadCustomMetrics(db: Db, org: Organization): Promise<CustomMetric[]> {
  const rows = await db.kysely
    .selectFrom('custom_metric')
    .selectAll()
    .where('org_id', '=', org.id)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    names: r.names,
    description: r.description,
    unit: r.unit as MetricDef['unit'],
    direction: r.direction as MetricDef['direction'],
    formula: r.formula,
    min_sample: r.min_sample,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  }));
}

/** The engine's view of a custom KPI (compiles the formula; throws on a formula gone invalid). */
export function toMetricDef(
  custom: Pick<CustomMetric, Exclude<keyof CustomMetric, 'created_at' | 'updated_at'>>,
): MetricDef {
  const compiled = compileFormula(custom.formula);
  const parts = [...compiled.aggregates.map((a) => a.entity), ...compiled.metrics.map((id) => getMetric(id)!.entity)];
  const single = compiled.tree.type === 'aggregate' ? compiled.tree.fn : undefined;
  const entity: MetricEntity = parts[0] ?? 'tickets';
  return {
    id: custom.id,
    names: custom.names,
    description: custom.description || `Custom KPI: ${custom.formula}`,
    unit: custom.unit,
    direction: custom.direction,
    entity,
    time: 'per part: tickets created_at, survey responses submitted_at, orders ordered_at; metrics their own',
    population: `as the formula: ${custom.formula}`,
    where: 'true',
    formula: { kind: 'custom', text: custom.formula, compiled },
    minSample: custom.min_sample,
    uncertainty: single === 'share' ? 'wilson' : single === 'avg' ? 't-mean' : 'none',
    custom: true,
  };
}
