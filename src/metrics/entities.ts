import { getEntity, type EntityName } from '../ingest/entities.ts';
import { FEEDBACK_ROWS } from './catalog/feedback.ts';
import type { MetricEntity } from './catalog/types.ts';

/**
 * What metrics are computed from, derived from the importable entities' declarations
 * (src/ingest/entities.ts): the table, the timestamp that places a row in time, and the entity
 * whose rows a drill-down lists. Survey invitations (written by cxkpi's own surveys) and
 * feedback (survey comments and reviews together) are row sources of their own.
 */
export interface MetricEntityDef {
  /** A table, or a subquery that the engine aliases `e`. */
  table: string;
  /** The default timestamp of a row (custom formulas place rows by it; catalog metrics name their own). */
  time: string;
  /** The importable entity whose rows GET /api/v1/metrics/{id}/rows lists. */
  rows?: EntityName;
}

function imported(name: EntityName): MetricEntityDef {
  const entity = getEntity(name)!;
  return { table: entity.table, time: entity.timeField!, rows: name };
}

export const METRIC_ENTITIES: Record<MetricEntity, MetricEntityDef> = {
  tickets: imported('tickets'),
  survey_responses: imported('survey_responses'),
  customers: imported('customers'),
  orders: imported('orders'),
  costs: imported('costs'),
  reviews: imported('reviews'),
  survey_invitations: { table: 'survey_invitation', time: 'sent_at' },
  feedback: { table: FEEDBACK_ROWS, time: 'at' },
};
