import fs from 'node:fs';
import { badRequest } from '../../errors.ts';
import { SENTIMENT_MODEL } from '../../feedback/sentiment/index.ts';
import {
  answerSentiment,
  parseSentimentLines,
  ZSentimentRequest,
  type SentimentAnswer,
} from '../../feedback/sentiment/requests.ts';
import { renderTable } from '../format.ts';
import { databaseOptions, parseCommand, parseFormatFlag, type Io } from '../context.ts';

const help = `Usage:
  cxkpi sentiment [TEXT] [--lang en|ru|lt|auto] [--format table|json]
  cxkpi sentiment --file FILE.jsonl [--format table|json]     # one {"text", "lang"?} per line

The class (very_negative, negative, neutral, positive, very_positive), a score from -1 to 1 and
the language of each text, read offline (docs/feedback-intelligence.md). Without TEXT or --file
the text is read from standard input. --format json prints one object per text (JSON Lines).
Examples:
  cxkpi sentiment "Огромное спасибо, всё починили за час!"
  cxkpi sentiment --file comments.jsonl --format json`;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

export async function run(args: string[], io: Io): Promise<number> {
  // The database flags are accepted like every command's, though nothing here reads the database.
  const { values, positionals } = parseCommand(args, {
    ...databaseOptions,
    lang: { type: 'string' },
    file: { type: 'string' },
    format: { type: 'string' },
  });
  if (values.help) return (io.out(help), 0);
  const format = parseFormatFlag(values.format, ['table', 'json']);
  if (values.lang !== undefined && !['en', 'ru', 'lt', 'auto'].includes(values.lang))
    throw badRequest('invalid-language', '--lang is en, ru, lt or auto.');
  if (values.file && positionals.length) throw badRequest('invalid-arguments', 'Give either TEXT or --file, not both.');
  let requests;
  if (values.file) {
    let text: string;
    try {
      text = fs.readFileSync(values.file, 'utf8');
    } catch (error) {
      throw badRequest('unreadable-file', `Cannot read ${values.file}: ${(error as Error).message}`);
    }
    requests = parseSentimentLines(text);
    if (values.lang) requests = requests.map((r) => ({ ...r, lang: r.lang ?? (values.lang as never) }));
  } else {
    const text = positionals.length ? positionals.join(' ') : await readAll(io.stdin);
    const parsed = ZSentimentRequest.safeParse({ text, ...(values.lang ? { lang: values.lang } : {}) });
    if (!parsed.success) throw badRequest('invalid-text', `TEXT ${parsed.error.issues[0]?.message ?? 'is not valid'}.`);
    requests = [parsed.data];
  }
  const answers: [string, SentimentAnswer][] = requests.map((r) => [r.text, answerSentiment(r)]);
  if (format === 'json') {
    io.out(answers.map(([, a]) => JSON.stringify(a)).join('\n') || '');
    return 0;
  }
  const clip = (t: string) => (t.length > 60 ? `${t.slice(0, 59)}…` : t).replace(/\s+/g, ' ');
  io.out(
    renderTable(
      ['class', 'score', 'language', 'text'],
      answers.map(([text, a]) => [
        a.class ?? '-',
        a.score === null ? '-' : a.score.toFixed(2),
        a.language ?? '-',
        clip(text),
      ]),
    ),
  );
  io.out(`model ${SENTIMENT_MODEL}`);
  return 0;
}
