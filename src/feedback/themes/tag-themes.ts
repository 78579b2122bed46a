import { createHash } from 'node:crypto';
import type { Texts } from '../../db/schema.ts';
import { readLexicon } from '../sentiment/score-lexicon.ts';
import { foldWord, tokenize, type SentimentLanguage, type Token } from '../sentiment/text.ts';
import { LEXICONS } from '../sentiment/lexicon/index.ts';
import type { ThemeDef } from './defaults.ts';

/**
 * Which themes a text mentions, each with its own tone: the text is cut into clauses (at sentence
 * ends and at "but" and its kin), a theme is mentioned where a clause holds one of its keywords,
 * and the theme's tone is the lexicon reading of those clauses (negative below -0.05, positive
 * above 0.05); where those clauses carry no sentiment word, the whole text's tone stands in.
 */
export type ThemeTone = 'negative' | 'neutral' | 'positive';

interface Pattern {
  words: { word: string; stem: boolean }[];
}

export interface CompiledThemes {
  ids: string[];
  patterns: Map<string, Record<SentimentLanguage, Pattern[]>>;
  /** Changes whenever a theme, a keyword or the sentiment lexicon changes. */
  version: string;
}

function parseKeywords(text: string): Pattern[] {
  return (text.match(/"[^"]+"|\S+/g) ?? []).map((item) => ({
    words: item
      .replace(/"/g, '')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((w) =>
        w.endsWith('*') ? { word: foldWord(w.slice(0, -1)), stem: true } : { word: foldWord(w), stem: false },
      ),
  }));
}

export function compileThemes(themes: ThemeDef[], modelVersion: string): CompiledThemes {
  const patterns = new Map<string, Record<SentimentLanguage, Pattern[]>>();
  for (const theme of themes) {
    patterns.set(theme.id, {
      en: parseKeywords(theme.keywords.en),
      ru: parseKeywords(theme.keywords.ru),
      lt: parseKeywords(theme.keywords.lt),
    });
  }
  const version = createHash('sha256')
    .update(JSON.stringify(themes.map((t) => [t.id, t.keywords])))
    .update(modelVersion)
    .digest('hex')
    .slice(0, 12);
  return { ids: themes.map((t) => t.id), patterns, version };
}

function matches(words: Token[], at: number, pattern: Pattern): boolean {
  if (at + pattern.words.length > words.length) return false;
  return pattern.words.every((p, k) => {
    const w = words[at + k]!.norm;
    return p.stem ? w.startsWith(p.word) : w === p.word;
  });
}

/** Clauses of a text: word tokens between sentence ends and contrast words. */
function clauses(tokens: Token[], language: SentimentLanguage): Token[][] {
  const contrast = LEXICONS[language].contrast;
  const out: Token[][] = [[]];
  for (const t of tokens) {
    if ((t.kind === 'punct' && /[.!?;…]/.test(t.norm)) || (t.kind === 'word' && contrast.has(t.norm))) {
      if (out.at(-1)!.length) out.push([]);
      if (t.kind === 'word') continue;
    }
    out.at(-1)!.push(t);
  }
  return out.filter((c) => c.some((t) => t.kind !== 'punct'));
}

const tone = (compound: number): ThemeTone | null =>
  compound <= -0.05 ? 'negative' : compound >= 0.05 ? 'positive' : null;

export function tagThemes(
  themes: CompiledThemes,
  text: string,
  language: SentimentLanguage,
  overall: ThemeTone | null,
): Record<string, ThemeTone> {
  const tagged: Record<string, ThemeTone> = {};
  const parts = clauses(tokenize(text), language);
  for (const id of themes.ids) {
    const patterns = themes.patterns.get(id)![language];
    let mentioned = false;
    let sum = 0;
    for (const clause of parts) {
      const words = clause.filter((t) => t.kind !== 'punct');
      if (!words.some((_, i) => patterns.some((p) => matches(words, i, p)))) continue;
      mentioned = true;
      sum += readLexicon(clause, language).compound;
    }
    if (mentioned) tagged[id] = tone(sum) ?? overall ?? 'neutral';
  }
  return tagged;
}

export type { Texts };
