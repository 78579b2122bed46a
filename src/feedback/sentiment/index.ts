import modelFile from './model.json' with { type: 'json' };
import { CLASS_VALUE, SENTIMENT_CLASSES, type SentimentClass } from './classes.ts';
import { detectLanguage } from './detect-language.ts';
import { extractFeatures } from './features.ts';
import { predictProbabilities, type SoftmaxModel } from './softmax.ts';
import { SENTIMENT_LANGUAGES, tokenize, type SentimentLanguage } from './text.ts';

export { SENTIMENT_CLASSES, threeClass, CLASS_VALUE, type SentimentClass } from './classes.ts';
export { detectLanguage, type DetectedLanguage } from './detect-language.ts';
export { SENTIMENT_LANGUAGES, type SentimentLanguage } from './text.ts';

/**
 * Sentiment of a customer's comment in English, Russian or Lithuanian: one of five classes and a
 * score in [-1, 1], read offline by a lexicon (./lexicon) whose reading, together with the
 * text's n-grams, feeds a small multinomial logistic regression trained on our own labelled
 * corpus (data/sentiment/corpus.jsonl, by scripts/train-sentiment.ts, weights in ./model.json).
 * The score is the expected class value (-1, -0.5, 0, 0.5, 1) under the model's probabilities.
 */
export interface SentimentResult {
  class: SentimentClass;
  score: number;
  language: SentimentLanguage;
  /** The model version; stored rows with another version are re-read by a job. */
  model: string;
}

interface ModelFile {
  version: string;
  classes: string[];
  features: string[];
  weights: number[];
}

const file = modelFile as ModelFile;
if (file.classes.join() !== SENTIMENT_CLASSES.join()) throw new Error('sentiment model.json has other classes');
const index = new Map(file.features.map((name, i) => [name, i]));
const model: SoftmaxModel = {
  classes: SENTIMENT_CLASSES.length,
  features: file.features.length,
  weights: Float64Array.from(file.weights),
};

export const SENTIMENT_MODEL: string = file.version;

/** The feature indexes and values of a text, as the model knows them. */
export function encode(features: Map<string, number>, lookup: Map<string, number> = index): [number, number][] {
  const x: [number, number][] = [];
  for (const [name, value] of features) {
    const j = lookup.get(name);
    if (j !== undefined) x.push([j, value]);
  }
  return x;
}

export interface AnalyzeOptions {
  /** en, ru or lt; detected from the text when absent or `auto`. */
  language?: SentimentLanguage | 'auto' | null;
  /** Used when the text gives no clue (no letters): the organization's language. */
  fallbackLanguage?: SentimentLanguage;
}

/** Null for a text with nothing to read (empty, or only spaces). */
export function analyzeSentiment(text: string, options: AnalyzeOptions = {}): SentimentResult | null {
  if (!text.trim()) return null;
  const language =
    options.language && options.language !== 'auto'
      ? options.language
      : (detectLanguage(text)?.language ?? options.fallbackLanguage ?? 'en');
  const tokens = tokenize(text);
  const { features } = extractFeatures(tokens, language);
  const p = predictProbabilities(model, encode(features));
  let best = 0;
  for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
  const score = SENTIMENT_CLASSES.reduce((s, c, i) => s + CLASS_VALUE[c] * p[i]!, 0);
  return {
    class: SENTIMENT_CLASSES[best]!,
    score: Math.round(score * 1000) / 1000,
    language,
    model: SENTIMENT_MODEL,
  };
}

/** Whether a value names one of the three languages. */
export function isSentimentLanguage(value: unknown): value is SentimentLanguage {
  return typeof value === 'string' && (SENTIMENT_LANGUAGES as readonly string[]).includes(value);
}
