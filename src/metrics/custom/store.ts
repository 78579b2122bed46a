import type { Db } from '../../db/connect.ts';
import { AppError, invalidInput, notFound } from '../../errors.ts';
import type { Organization } from '../../orgs/index.ts';
import { queryMetrics } from '../query-metrics.ts';
import {
  loadCustomMetrics,
  toMetricDef,
  ZCustomMetricInput,
  type CustomMetric,
  type CustomMetricInput,
} from './definition.ts';

/**
 * Saving and removing an organization's custom KPIs. A definition is validated before it is
 * stored: the fields, the formula (names, types, positions of mistakes), and a trial run of the
 * compiled SQL over one day, so that a saved KPI can always be queried.
 */
export async function saveCustomMetric(
  db: Db,
  org: Organization,
  input: CustomMetricInput | Record<string, unknown>,
  mode: 'create' | 'replace',
): Promise<CustomMetric> {
  const parsed = ZCustomMetricInput.safeParse(input);
  if (!parsed.success) throw invalidInput('invalid-metric', parsed.error.issues, 'metric');
  const value = parsed.data;
  const names = { en: value.name, ru: value.names.ru ?? value.name, lt: value.names.lt ?? value.name };
  const definition = toMetricDef({ ...value, names });
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await queryMetrics(
    db,
    org,
    { metrics: [value.id], from: today, to: tomorrow, grain: 'all' },
    { customs: new Map([[value.id, definition]]) },
  );
  const row = {
    names: JSON.stringify(names),
    description: value.description,
    unit: value.unit,
    direction: value.direction,
    formula: value.formula,
    min_sample: value.min_sample,
  };
  if (mode === 'create') {
    const created = await db.kysely
      .insertInto('custom_metric')
      .values({ org_id: org.id, id: value.id, ...row })
      .onConflict((oc) => oc.columns(['org_id', 'id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!created) throw new AppError(409, 'metric-exists', `A custom KPI "${value.id}" exists; replace it instead.`);
  } else {
    const updated = await db.kysely
      .updateTable('custom_metric')
      .set({ ...row, updated_at: new Date() })
      .where('org_id', '=', org.id)
      .where('id', '=', value.id)
      .returning('id')
      .executeTakeFirst();
    if (!updated) throw notFound('unknown-metric', `There is no custom KPI "${value.id}".`);
  }
  return (await loadCustomMetrics(db, org)).find((c) => c.id === value.id)!;
}

export async function deleteCustomMetric(db: Db, org: Organization, id: string): Promise<void> {
  const deleted = await db.kysely
    .deleteFrom('custom_metric')
    .where('org_id', '=', org.id)
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!deleted) throw notFound('unknown-metric', `There is no custom KPI "${id}".`);
}
