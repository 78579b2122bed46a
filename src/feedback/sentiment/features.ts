import { readLexicon, type LexiconReading } from './score-lexicon.ts';
import type { SentimentLanguage, Token } from './text.ts';

/**
 * The features the classifier weighs: the lexicon reading (shared by the three languages and
 * again per language, so that each language can lean on it differently) and the text's word
 * unigrams, bigrams and in-word character 3- and 4-grams, per language. N-gram features are
 * present/absent, scaled so that each group has unit length.
 */
export function lexiconFeatures(reading: LexiconReading): [string, number][] {
  const r = reading;
  return [
    ['compound', r.compound],
    ['positive', Math.min(r.positive, 8) / 4],
    ['negative', Math.min(r.negative, 8) / 4],
    ['positive_count', Math.min(r.positiveCount, 4) / 2],
    ['negative_count', Math.min(r.negativeCount, 4) / 2],
    ['max_positive', r.maxPositive / 4],
    ['max_negative', r.maxNegative / 4],
    ['strong_positive', r.maxPositive >= 3 ? 1 : 0],
    ['strong_negative', r.maxNegative >= 3 ? 1 : 0],
    ['no_sentiment', r.positiveCount + r.negativeCount === 0 ? 1 : 0],
    ['mixed', r.positiveCount > 0 && r.negativeCount > 0 ? 1 : 0],
    ['negations', Math.min(r.negations, 3) / 3],
    ['modifiers', Math.min(r.modifiers, 3) / 3],
    ['exclamations', Math.min(r.exclamations, 4) / 4],
    ['questions', Math.min(r.questions, 2) / 2],
    ['capitals', Math.min(r.capitals, 3) / 3],
    ['contrast', r.contrast ? 1 : 0],
    ['short', r.words <= 3 ? 1 : 0],
    ['length', Math.min(Math.log1p(r.words), 4) / 4],
  ];
}

export function extractFeatures(
  tokens: Token[],
  language: SentimentLanguage,
): { features: Map<string, number>; reading: LexiconReading } {
  const reading = readLexicon(tokens, language);
  const features = new Map<string, number>();
  features.set('bias', 1);
  for (const [name, value] of lexiconFeatures(reading)) {
    if (!value) continue;
    features.set(`lex:${name}`, value);
    features.set(`${language}|lex:${name}`, value);
  }
  const words = tokens.filter((t) => t.kind !== 'punct').map((t) => t.norm);
  const grams = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    grams.add(`${language}|w:${w}`);
    if (i + 1 < words.length) grams.add(`${language}|b:${w}_${words[i + 1]}`);
    if (/\d/.test(w)) continue;
    const padded = ` ${w} `;
    for (let n = 3; n <= 4; n++)
      for (let k = 0; k + n <= padded.length; k++) grams.add(`${language}|c:${padded.slice(k, k + n)}`);
  }
  if (grams.size) {
    const value = 1 / Math.sqrt(grams.size);
    for (const g of grams) features.set(g, value);
  }
  return { features, reading };
}
