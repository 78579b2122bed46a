import type { SentimentClass } from '../../contract/api.ts';

/** The five classes, from worst to best, and the score each stands for. */
export const SENTIMENT_CLASSES = [
  'very_negative',
  'negative',
  'neutral',
  'positive',
  'very_positive',
] as const satisfies readonly SentimentClass[];
// Feedback answers carry the class (src/contract/api.ts).
export type { SentimentClass } from '../../contract/api.ts';
export const CLASS_VALUE: Record<SentimentClass, number> = {
  very_negative: -1,
  negative: -0.5,
  neutral: 0,
  positive: 0.5,
  very_positive: 1,
};
/** The three-class reading (negative, neutral, positive) of a five-class label. */
export function threeClass(c: SentimentClass): 'negative' | 'neutral' | 'positive' {
  return c === 'very_negative' || c === 'negative' ? 'negative' : c === 'neutral' ? 'neutral' : 'positive';
}
