import { analyzeSentiment, isSentimentLanguage, type SentimentLanguage } from './index.ts';

/**
 * The sentiment columns of a stored comment or review (migration 0010), computed when the row is
 * shaped for import and when a survey answer arrives: class, score, language and model version,
 * all null when there is no text. A stated language (`ru`, `ru-RU`, `lt_LT`) is used when it is
 * one of the three; otherwise the language is detected from the text.
 */
export interface SentimentColumnValues {
  sentiment_class: string | null;
  sentiment_score: string | null;
  sentiment_language: SentimentLanguage | null;
  sentiment_model: string | null;
}

export const SENTIMENT_COLUMNS = [
  'sentiment_class',
  'sentiment_score',
  'sentiment_language',
  'sentiment_model',
] as const;

export function statedLanguage(language: unknown): SentimentLanguage | undefined {
  if (typeof language !== 'string') return undefined;
  const primary = language.trim().toLowerCase().split(/[-_]/)[0];
  return isSentimentLanguage(primary) ? primary : undefined;
}

export function sentimentColumns(text: string | null | undefined, language?: unknown): SentimentColumnValues {
  const result = text ? analyzeSentiment(text, { language: statedLanguage(language) ?? 'auto' }) : null;
  if (!result) return { sentiment_class: null, sentiment_score: null, sentiment_language: null, sentiment_model: null };
  return {
    sentiment_class: result.class,
    sentiment_score: String(result.score),
    sentiment_language: result.language,
    sentiment_model: result.model,
  };
}

/** A review's text for reading: the title and the body, as one. */
export function reviewText(title: unknown, text: unknown): string | null {
  const parts = [title, text].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return parts.length ? parts.join('. ') : null;
}
