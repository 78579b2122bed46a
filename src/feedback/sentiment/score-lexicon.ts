import { LEXICONS, matchesPattern, wordValence, type CompiledLexicon } from './lexicon/index.ts';
import type { SentimentLanguage, Token } from './text.ts';

/**
 * The lexicon reading of a text, in the manner of VADER (Hutto & Gilbert 2014) but with our own
 * word lists: each sentiment word or phrase gives a valence; a negator in the three words before
 * turns it (×-0.74), as does a Lithuanian or Russian negative prefix (ne-, nebe-) on a word whose
 * rest is in the lexicon; boosters and dampeners before it raise or lower it; a word in capitals
 * in a text that is not all capitals raises it; what follows "but" weighs 1.5, what precedes 0.5;
 * exclamation marks push the sum further from zero.
 */
export interface LexiconReading {
  /** Sum of the weighted valences, squashed into [-1, 1] (x / sqrt(x² + 15)). */
  compound: number;
  positive: number;
  negative: number;
  positiveCount: number;
  negativeCount: number;
  maxPositive: number;
  maxNegative: number;
  negations: number;
  modifiers: number;
  exclamations: number;
  questions: number;
  capitals: number;
  contrast: boolean;
  words: number;
  /** Matched entries, for explaining a result: `word:valence`. */
  matches: string[];
}

const NEGATION = -0.74;
const CAPS_RISE = 0.733;
const WINDOW = 3;

function isBoundary(token: Token): boolean {
  return token.kind === 'punct' && /[.!?;…]/.test(token.norm);
}

function matchPhrase(lexicon: CompiledLexicon, words: Token[], i: number): { length: number; valence: number } | null {
  const candidates = lexicon.phrases.get(words[i]!.norm.slice(0, 2));
  if (!candidates) return null;
  for (const phrase of candidates) {
    if (i + phrase.words.length > words.length) continue;
    if (phrase.words.every((p, k) => matchesPattern(words[i + k]!.norm, p))) {
      return { length: phrase.words.length, valence: phrase.valence };
    }
  }
  return null;
}

function prefixedValence(lexicon: CompiledLexicon, word: string): number | undefined {
  for (const prefix of lexicon.negativePrefixes) {
    if (word.length - prefix.length >= 4 && word.startsWith(prefix)) {
      const v = wordValence(lexicon, word.slice(prefix.length));
      if (v !== undefined) return v * NEGATION;
    }
  }
  return undefined;
}

export function readLexicon(tokens: Token[], language: SentimentLanguage): LexiconReading {
  const lexicon = LEXICONS[language];
  // Words with the clause they are in (a sentence end starts a new one).
  const words: (Token & { clause: number })[] = [];
  let clause = 0;
  let exclamations = 0;
  let questions = 0;
  let letters = 0;
  let upper = 0;
  for (const t of tokens) {
    if (t.kind === 'punct') {
      exclamations += (t.norm.match(/!/g) ?? []).length;
      questions += (t.norm.match(/\?/g) ?? []).length;
      if (isBoundary(t)) clause++;
      continue;
    }
    if (t.kind === 'word') {
      for (const ch of t.raw) {
        if (/\p{Lu}/u.test(ch)) upper++;
        if (/\p{L}/u.test(ch)) letters++;
      }
    }
    words.push({ ...t, clause });
  }
  const shouting = letters > 0 && upper / letters > 0.8;
  const items: { index: number; valence: number }[] = [];
  let negations = 0;
  let modifiers = 0;
  let capitals = 0;
  let contrastAt = -1;
  const matches: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const phrase = w.kind === 'word' || w.kind === 'emoji' ? matchPhrase(lexicon, words, i) : null;
    let valence: number | undefined;
    let span = 1;
    if (phrase) {
      valence = phrase.valence;
      span = phrase.length;
    } else {
      const two = i + 1 < words.length ? `${w.norm} ${words[i + 1]!.norm}` : '';
      const nextInClause = i + 1 < words.length && words[i + 1]!.clause === w.clause;
      if (lexicon.contrast.has(w.norm)) {
        contrastAt = i;
        continue;
      }
      if (lexicon.negators.has(w.norm)) {
        negations++;
        continue;
      }
      if ((lexicon.modifiers.has(two) || lexicon.modifiers.has(w.norm)) && nextInClause) {
        modifiers++;
        if (lexicon.modifiers.has(two)) i++;
        continue;
      }
      valence =
        w.kind === 'emoji'
          ? lexicon.exact.get(w.norm)
          : (wordValence(lexicon, w.norm) ?? prefixedValence(lexicon, w.norm));
    }
    if (valence === undefined) continue;
    matches.push(
      `${words
        .slice(i, i + span)
        .map((x) => x.norm)
        .join(' ')}:${valence}`,
    );
    // What stands before, in the same clause: negators turn, modifiers scale.
    let negated = false;
    let scale = 0;
    for (let k = i - 1; k >= Math.max(0, i - WINDOW); k--) {
      const before = words[k]!;
      if (before.clause !== w.clause) break;
      if (lexicon.negators.has(before.norm)) negated = true;
      const two = k > 0 ? `${words[k - 1]!.norm} ${before.norm}` : '';
      const m = lexicon.modifiers.get(two) ?? lexicon.modifiers.get(before.norm);
      if (m !== undefined) scale += m * (1 - (i - 1 - k) * 0.1);
    }
    let v = valence;
    if (scale) v += Math.sign(v) * scale * Math.abs(v) * 0.5;
    const raw = words
      .slice(i, i + span)
      .map((x) => x.raw)
      .join('');
    if (!shouting && raw.length > 1 && raw === raw.toUpperCase() && /\p{Lu}/u.test(raw)) {
      v += Math.sign(v) * CAPS_RISE;
      capitals++;
    }
    if (negated && !phrase) v *= NEGATION;
    items.push({ index: i, valence: v });
    i += span - 1;
  }
  let sum = 0;
  let positive = 0;
  let negative = 0;
  let positiveCount = 0;
  let negativeCount = 0;
  let maxPositive = 0;
  let maxNegative = 0;
  for (const item of items) {
    let v = item.valence;
    if (contrastAt >= 0) v *= item.index < contrastAt ? 0.5 : 1.5;
    sum += v;
    if (v > 0) {
      positive += v;
      positiveCount++;
      maxPositive = Math.max(maxPositive, v);
    } else if (v < 0) {
      negative -= v;
      negativeCount++;
      maxNegative = Math.max(maxNegative, -v);
    }
  }
  if (sum !== 0) sum += Math.sign(sum) * Math.min(exclamations, 4) * 0.292;
  if (shouting && sum !== 0) sum += Math.sign(sum) * CAPS_RISE;
  return {
    compound: sum / Math.sqrt(sum * sum + 15),
    positive,
    negative,
    positiveCount,
    negativeCount,
    maxPositive,
    maxNegative,
    negations,
    modifiers,
    exclamations,
    questions,
    capitals: capitals + (shouting ? 3 : 0),
    contrast: contrastAt >= 0,
    words: words.length,
    matches,
  };
}
