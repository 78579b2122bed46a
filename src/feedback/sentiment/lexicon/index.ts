import { foldWord, type SentimentLanguage } from '../text.ts';
import { en } from './en.ts';
import { lt } from './lt.ts';
import { ru } from './ru.ts';
import type { LanguageLexicon } from './types.ts';

/** One word of an entry: an exact word, or a stem that matches every word starting with it. */
interface Pattern {
  word: string;
  stem: boolean;
}

export interface CompiledLexicon {
  exact: Map<string, number>;
  stems: Map<string, number>;
  /** Longest stem length, to bound the prefix search. */
  longestStem: number;
  /** Phrases by their first word's first two letters, longest first. */
  phrases: Map<string, { words: Pattern[]; valence: number }[]>;
  negators: Set<string>;
  /** Single-word and two-word modifiers: positive for boosters, negative for dampeners. */
  modifiers: Map<string, number>;
  contrast: Set<string>;
  negativePrefixes: string[];
  /** Entries, counted once each (exact words, stems and phrases). */
  size: number;
}

const MIN_STEM = 3;

function compile(source: LanguageLexicon): CompiledLexicon {
  const exact = new Map<string, number>();
  const stems = new Map<string, number>();
  const phrases = new Map<string, { words: Pattern[]; valence: number }[]>();
  let size = 0;
  for (const line of source.entries.split('\n')) {
    const items = line.match(/"[^"]+"|\S+/g);
    if (!items) continue;
    const valence = Number(items[0]);
    if (!Number.isFinite(valence)) throw new Error(`lexicon line without a valence: ${line}`);
    for (const item of items.slice(1)) {
      size++;
      const words = item
        .replace(/"/g, '')
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((w) =>
          w.endsWith('*') ? { word: foldWord(w.slice(0, -1)), stem: true } : { word: foldWord(w), stem: false },
        );
      if (words.length === 1) {
        const [only] = words as [Pattern];
        if (only.stem) {
          if (only.word.length < MIN_STEM) throw new Error(`lexicon stem shorter than ${MIN_STEM}: ${item}`);
          stems.set(only.word, valence);
        } else exact.set(only.word, valence);
      } else {
        const key = words[0]!.word.slice(0, 2);
        const list = phrases.get(key) ?? [];
        list.push({ words, valence });
        list.sort((a, b) => b.words.length - a.words.length);
        phrases.set(key, list);
      }
    }
  }
  const modifiers = new Map<string, number>();
  for (const [word, rise] of Object.entries(source.boosters)) modifiers.set(foldWord(word), rise);
  for (const [word, fall] of Object.entries(source.dampeners)) modifiers.set(foldWord(word), -fall);
  return {
    exact,
    stems,
    longestStem: Math.max(0, ...[...stems.keys()].map((s) => s.length)),
    phrases,
    negators: new Set(source.negators.map(foldWord)),
    modifiers,
    contrast: new Set(source.contrast.map(foldWord)),
    negativePrefixes: (source.negativePrefixes ?? []).map(foldWord),
    size,
  };
}

export const LEXICONS: Record<SentimentLanguage, CompiledLexicon> = {
  en: compile(en),
  ru: compile(ru),
  lt: compile(lt),
};

export function matchesPattern(word: string, pattern: Pattern): boolean {
  return pattern.stem ? word.startsWith(pattern.word) : word === pattern.word;
}

/** The valence of one word: exact entry, else the longest stem it starts with. */
export function wordValence(lexicon: CompiledLexicon, word: string): number | undefined {
  const exact = lexicon.exact.get(word);
  if (exact !== undefined) return exact;
  for (let k = Math.min(word.length, lexicon.longestStem); k >= MIN_STEM; k--) {
    const v = lexicon.stems.get(word.slice(0, k));
    if (v !== undefined) return v;
  }
  return undefined;
}
