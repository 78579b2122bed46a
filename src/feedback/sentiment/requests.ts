import { z } from 'zod';
import { badRequest } from '../../errors.ts';
import { analyzeSentiment, type SentimentResult } from './index.ts';

/**
 * The requests `cxkpi sentiment` and POST /api/v1/sentiment answer: one text, or many (a JSON
 * Lines file, a JSON array), each with an optional language (en, ru, lt; `auto` or absent
 * detects it).
 */
export const MAX_TEXT = 10_000;
export const MAX_TEXTS = 1_000;

export const ZSentimentRequest = z
  .object({
    text: z.string().max(MAX_TEXT, `is longer than ${MAX_TEXT} characters`),
    lang: z.enum(['en', 'ru', 'lt', 'auto']).optional(),
  })
  .strict();
export type SentimentRequest = z.infer<typeof ZSentimentRequest>;

/** What is printed and answered per text: the class, the score and the language read. */
export type SentimentAnswer =
  Pick<SentimentResult, 'class' | 'score' | 'language'> | { class: null; score: null; language: null };

export function answerSentiment(request: SentimentRequest): SentimentAnswer {
  const result = analyzeSentiment(request.text, { language: request.lang ?? 'auto' });
  return result
    ? { class: result.class, score: result.score, language: result.language }
    : { class: null, score: null, language: null };
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ');
}

/** One request per non-empty line; a bad line is refused with its number and reason. */
export function parseSentimentLines(text: string): SentimentRequest[] {
  const requests: SentimentRequest[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw badRequest('invalid-line', `line ${i + 1}: not JSON; each line is {"text": "...", "lang": "en|ru|lt"}.`);
    }
    const parsed = ZSentimentRequest.safeParse(value);
    if (!parsed.success) throw badRequest('invalid-line', `line ${i + 1}: ${describe(parsed.error)}.`);
    requests.push(parsed.data);
  });
  if (requests.length > MAX_TEXTS * 100)
    throw badRequest('too-many-texts', `at most ${MAX_TEXTS * 100} lines at once.`);
  return requests;
}

/** The HTTP body: {text, lang?} or {items: [{text, lang?}, ...]} (at most MAX_TEXTS). */
export const ZSentimentBody = z.union([
  ZSentimentRequest,
  z.object({ items: z.array(ZSentimentRequest).min(1).max(MAX_TEXTS) }).strict(),
]);
