import type { Preset } from './preset.ts';

/** Olist (Brazilian e-commerce, Kaggle) olist_order_reviews_dataset.csv. */
export const olistReviews: Preset = {
  name: 'olist-reviews',
  entity: 'reviews',
  description: 'Olist (Brazilian e-commerce, Kaggle) olist_order_reviews_dataset.csv',
  signature: ['review_id', 'order_id', 'review_score', 'review_answer_timestamp'],
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
};
