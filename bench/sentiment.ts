// Sentiment benchmark: per-language macro-F1 (five and three classes), the confusion matrix, the
// language-detection rate and the speed on the test split of data/sentiment/corpus.jsonl, which
// the training never reads; then the same on public data the model has never seen
// (../shared/datasets, when present: SentiRuEval-2016 tweets, 3 classes; Amazon Alexa reviews,
// stars as 5 classes, de-duplicated). Prints figures; fails on nothing.
//   node --import tsx bench/sentiment.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  analyzeSentiment,
  detectLanguage,
  SENTIMENT_CLASSES,
  SENTIMENT_MODEL,
  threeClass,
} from '../src/feedback/sentiment/index.ts';
import { evaluate, type Evaluation } from '../src/feedback/sentiment/evaluate.ts';
import { readLexicon } from '../src/feedback/sentiment/score-lexicon.ts';
import { tokenize, type SentimentLanguage } from '../src/feedback/sentiment/text.ts';

const root = path.resolve(import.meta.dirname, '..');
const THREE = ['negative', 'neutral', 'positive'] as const;

interface Item {
  lang: SentimentLanguage;
  label: (typeof SENTIMENT_CLASSES)[number];
  split: string;
  text: string;
}

function matrix(e: Evaluation, labels: readonly string[]): string {
  const short = labels.map((l) => l.replace('very_', 'v.').slice(0, 7));
  const lines = [`    ${'true \\ predicted'.padEnd(16)}${short.map((s) => s.padStart(9)).join('')}`];
  e.confusion.forEach((row, i) =>
    lines.push(`    ${short[i]!.padEnd(16)}${row.map((v) => String(v).padStart(9)).join('')}`),
  );
  return lines.join('\n');
}

/** Lexicon alone, thresholds fixed in advance: |compound| < 0.05 neutral, >= 0.6 the "very" classes. */
function lexiconClass(text: string, lang: SentimentLanguage): string {
  const c = readLexicon(tokenize(text), lang).compound;
  return c <= -0.6
    ? 'very_negative'
    : c <= -0.05
      ? 'negative'
      : c < 0.05
        ? 'neutral'
        : c < 0.6
          ? 'positive'
          : 'very_positive';
}

const corpus = fs
  .readFileSync(path.join(root, 'data', 'sentiment', 'corpus.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Item);
const test = corpus.filter((i) => i.split === 'test');

console.log(
  `sentiment model ${SENTIMENT_MODEL}; ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `test split: ${test.length} comments (train ${corpus.length - test.length}, never used here for anything but scoring)\n`,
);

for (const lang of ['en', 'ru', 'lt'] as const) {
  const items = test.filter((i) => i.lang === lang);
  const truth = items.map((i) => i.label);
  const predicted = items.map((i) => analyzeSentiment(i.text, { language: 'auto' })!.class);
  const five = evaluate(SENTIMENT_CLASSES, truth, predicted);
  const three = evaluate(THREE, truth.map(threeClass), predicted.map(threeClass));
  const lex = evaluate(
    SENTIMENT_CLASSES,
    truth,
    items.map((i) => lexiconClass(i.text, lang)),
  );
  const found = items.filter((i) => detectLanguage(i.text)?.language === lang).length;
  console.log(
    `${lang}: n=${items.length}  five-class macro-F1 ${five.macroF1.toFixed(3)} (accuracy ${five.accuracy.toFixed(3)})  ` +
      `three-class macro-F1 ${three.macroF1.toFixed(3)}  lexicon alone ${lex.macroF1.toFixed(3)}  ` +
      `language found ${((100 * found) / items.length).toFixed(1)} %`,
  );
  console.log(matrix(five, SENTIMENT_CLASSES));
}

const all = corpus.map((i) => i.text);
const detected = corpus.filter((i) => detectLanguage(i.text)?.language === i.lang).length;
console.log(
  `\nlanguage detection, whole corpus: ${detected}/${corpus.length} (${((100 * detected) / corpus.length).toFixed(1)} %)`,
);

// Speed: every corpus comment, language detected, after a warm-up pass.
for (const t of all) analyzeSentiment(t);
const rounds = 5;
const started = performance.now();
for (let r = 0; r < rounds; r++) for (const t of all) analyzeSentiment(t);
const ms = (performance.now() - started) / (rounds * all.length);
console.log(`speed: ${ms.toFixed(4)} ms per comment (${Math.round(1000 / ms)} comments/s, one core)\n`);

// Unseen public data.
const datasets = path.resolve(root, '..', 'shared', 'datasets');
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(field), (field = ''));
    else if (ch === '\n') (row.push(field), rows.push(row), (row = []), (field = ''));
    else if (ch !== '\r') field += ch;
  }
  if (field || row.length) (row.push(field), rows.push(row));
  return rows;
}

const ruFiles = ['banks_test_etalon.csv', 'tkk_test_etalon.csv'].map((f) =>
  path.join(datasets, 'ru_sentirueval2016', f),
);
if (ruFiles.every((f) => fs.existsSync(f))) {
  const truth: string[] = [];
  const predicted: string[] = [];
  let ruFound = 0;
  for (const file of ruFiles) {
    const [header, ...rows] = csvRows(fs.readFileSync(file, 'utf8'));
    const text = header!.indexOf('text');
    const min = header!.indexOf('label_min');
    const max = header!.indexOf('label_max');
    for (const row of rows) {
      if (row.length !== header!.length || row[min] !== row[max]) continue; // mixed labels left out
      const label = row[min] === '-1' ? 'negative' : row[min] === '1' ? 'positive' : 'neutral';
      const r = analyzeSentiment(row[text]!, { language: 'auto' });
      if (!r) continue;
      truth.push(label);
      predicted.push(threeClass(r.class));
      if (r.language === 'ru') ruFound++;
    }
  }
  const e = evaluate(THREE, truth, predicted);
  console.log(
    `unseen ru, SentiRuEval-2016 banks+telecom tweets (3 classes, mixed left out): n=${e.n}  macro-F1 ${e.macroF1.toFixed(3)}  ` +
      `accuracy ${e.accuracy.toFixed(3)}  detected as ru ${((100 * ruFound) / e.n).toFixed(1)} %`,
  );
  console.log(matrix(e, THREE));
}

const alexa = path.join(datasets, 'en_amazon_alexa_reviews', 'amazon_alexa.tsv');
if (fs.existsSync(alexa)) {
  const lines = fs
    .readFileSync(alexa, 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\n')
    .slice(1);
  const seen = new Set<string>();
  const truth: string[] = [];
  const predicted: string[] = [];
  let enFound = 0;
  for (const line of lines) {
    const [rating, , , review] = line.split('\t');
    if (!review?.trim() || !rating || seen.has(review)) continue;
    seen.add(review);
    const r = analyzeSentiment(review, { language: 'auto' });
    if (!r) continue;
    truth.push(SENTIMENT_CLASSES[Number(rating) - 1]!);
    predicted.push(r.class);
    if (r.language === 'en') enFound++;
  }
  const five = evaluate(SENTIMENT_CLASSES, truth, predicted);
  const three = evaluate(
    THREE,
    truth.map((t) => threeClass(t as never)),
    predicted.map((p) => threeClass(p as never)),
  );
  console.log(
    `\nunseen en, Amazon Alexa reviews (stars 1-5 as the five classes, de-duplicated): n=${five.n}  five-class macro-F1 ` +
      `${five.macroF1.toFixed(3)}  three-class macro-F1 ${three.macroF1.toFixed(3)}  detected as en ${((100 * enFound) / five.n).toFixed(1)} %`,
  );
  console.log(matrix(five, SENTIMENT_CLASSES));
}
