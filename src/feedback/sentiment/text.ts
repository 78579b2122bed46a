/** The three languages the sentiment model reads. */
export const SENTIMENT_LANGUAGES = ['en', 'ru', 'lt'] as const;
export type SentimentLanguage = (typeof SENTIMENT_LANGUAGES)[number];

export interface Token {
  /** Lower case, `ё` as `е`, Lithuanian letters folded to their base letter. */
  norm: string;
  /** As written (for capitals). */
  raw: string;
  kind: 'word' | 'emoji' | 'punct';
}

const LT_FOLD: Record<string, string> = { ą: 'a', č: 'c', ę: 'e', ė: 'e', į: 'i', š: 's', ų: 'u', ū: 'u', ž: 'z' };

/** Case and letter folding that lexicon entries and text share. */
export function foldWord(word: string): string {
  return word
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[ąčęėįšųūž]/g, (c) => LT_FOLD[c] ?? c)
    .replace(/[’`]/g, "'");
}

// Words (letters, digits, inner apostrophes, hyphens and dots as in "г..но" or "a+"), single
// emoji (with their variation selectors), and punctuation that matters: sentence ends, commas.
const TOKEN =
  /[\p{L}\p{N}]+(?:['’`][\p{L}]+|-[\p{L}\p{N}]+|\.\.[\p{L}]+)*\+*|\p{Extended_Pictographic}\uFE0F?|[.!?;,:…]+/gu;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const raw = match[0];
    const first = raw.codePointAt(0)!;
    const kind = /\p{Extended_Pictographic}/u.test(String.fromCodePoint(first))
      ? 'emoji'
      : /[\p{L}\p{N}]/u.test(raw[0]!)
        ? 'word'
        : 'punct';
    tokens.push({ raw, norm: kind === 'emoji' ? raw.replace(/\uFE0F/g, '') : foldWord(raw), kind });
  }
  return tokens;
}
