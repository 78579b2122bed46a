import type { EntityName } from './entities.ts';

/**
 * Ready column mappings for exports whose layout we know (`--preset NAME`). A user's own --map and
 * --set are applied on top.
 */
export interface Preset {
  name: string;
  entity: EntityName;
  description: string;
  map: Record<string, string>;
  set?: Record<string, string>;
}

const presets: Preset[] = [
  {
    name: 'olist-reviews',
    entity: 'reviews',
    description: 'Olist (Brazilian e-commerce, Kaggle) olist_order_reviews_dataset.csv',
    map: {
      review_id: 'id',
      order_id: 'attributes.order_id',
      review_score: 'rating',
      review_comment_title: 'title',
      review_comment_message: 'text',
      // Olist: the creation date is the day the survey was sent; the answer is the review.
      review_answer_timestamp: 'published_at',
      review_creation_date: 'attributes.survey_sent_at',
    },
    set: { source: 'olist', language: 'pt' },
  },
];

export function getPreset(name: string): Preset | undefined {
  return presets.find((preset) => preset.name === name);
}

export function listPresets(): Preset[] {
  return presets;
}
