// Trains the sentiment classifier's weights (src/feedback/sentiment/model.json) from the train
// split of data/sentiment/corpus.jsonl, deterministically: the same corpus and lexicons give the
// same file byte for byte. The L2 penalty is chosen by 5-fold cross-validation on the train split
// alone; the test split is never read here. Run after editing the corpus or a lexicon:
//   node --import tsx scripts/train-sentiment.ts
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SENTIMENT_CLASSES } from '../src/feedback/sentiment/classes.ts';
import { evaluate } from '../src/feedback/sentiment/evaluate.ts';
import { extractFeatures } from '../src/feedback/sentiment/features.ts';
import { predictProbabilities, trainSoftmax, type SparseExample } from '../src/feedback/sentiment/softmax.ts';
import { tokenize, type SentimentLanguage } from '../src/feedback/sentiment/text.ts';

const root = path.resolve(import.meta.dirname, '..');
const corpusFile = path.join(root, 'data', 'sentiment', 'corpus.jsonl');
const modelFile = path.join(root, 'src', 'feedback', 'sentiment', 'model.json');
const lexiconDir = path.join(root, 'src', 'feedback', 'sentiment', 'lexicon');

interface Item {
  id: string;
  lang: SentimentLanguage;
  label: (typeof SENTIMENT_CLASSES)[number];
  split: 'train' | 'test';
  text: string;
}

const items = fs
  .readFileSync(corpusFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as Item)
  .filter((item) => item.split === 'train');

const ITERATIONS = 300;
const RATE = 0.05;
const MIN_COUNT = 2;
const LAMBDAS = [3e-4, 1e-3, 3e-3, 1e-2];

const featured = items.map((item) => ({ item, features: extractFeatures(tokenize(item.text), item.lang).features }));

/** Feature names seen at least MIN_COUNT times (lexicon features and the bias always). */
function vocabulary(rows: typeof featured): string[] {
  const counts = new Map<string, number>();
  for (const row of rows) for (const name of row.features.keys()) counts.set(name, (counts.get(name) ?? 0) + 1);
  const names = [...counts]
    .filter(([name, count]) => count >= MIN_COUNT || name === 'bias' || name.includes('lex:'))
    .map(([name]) => name)
    .sort();
  return ['bias', ...names.filter((n) => n !== 'bias')];
}

function encodeRows(rows: typeof featured, names: string[]): SparseExample[] {
  const index = new Map(names.map((n, i) => [n, i]));
  return rows.map((row) => ({
    x: [...row.features].flatMap(([name, value]) => {
      const j = index.get(name);
      return j === undefined ? [] : [[j, value] as [number, number]];
    }),
    y: SENTIMENT_CLASSES.indexOf(row.item.label),
  }));
}

function fit(rows: typeof featured, lambda: number) {
  const names = vocabulary(rows);
  const model = trainSoftmax(encodeRows(rows, names), {
    classes: SENTIMENT_CLASSES.length,
    features: names.length,
    lambda,
    iterations: ITERATIONS,
    rate: RATE,
    biasIndex: 0,
  });
  return { names, model };
}

// 5 folds by position, within each language and class, so that every fold has all of them.
const fold = new Map<string, number>();
const seen = new Map<string, number>();
for (const row of featured) {
  const key = `${row.item.lang}/${row.item.label}`;
  const n = seen.get(key) ?? 0;
  seen.set(key, n + 1);
  fold.set(row.item.id, n % 5);
}

let best = { lambda: LAMBDAS[0]!, f1: -1 };
for (const lambda of LAMBDAS) {
  const truth: string[] = [];
  const predicted: string[] = [];
  const byLanguage: Record<string, { t: string[]; p: string[] }> = {};
  for (let f = 0; f < 5; f++) {
    const train = featured.filter((r) => fold.get(r.item.id) !== f);
    const held = featured.filter((r) => fold.get(r.item.id) === f);
    const { names, model } = fit(train, lambda);
    const encoded = encodeRows(held, names);
    encoded.forEach((ex, i) => {
      const p = predictProbabilities(model, ex.x);
      const label = SENTIMENT_CLASSES[p.indexOf(Math.max(...p))]!;
      truth.push(held[i]!.item.label);
      predicted.push(label);
      const l = (byLanguage[held[i]!.item.lang] ??= { t: [], p: [] });
      l.t.push(held[i]!.item.label);
      l.p.push(label);
    });
  }
  const all = evaluate(SENTIMENT_CLASSES, truth, predicted);
  const per = Object.entries(byLanguage)
    .map(([lang, v]) => `${lang} ${evaluate(SENTIMENT_CLASSES, v.t, v.p).macroF1.toFixed(3)}`)
    .join(', ');
  console.log(`lambda ${lambda}: cross-validated macro-F1 ${all.macroF1.toFixed(3)} (${per})`);
  if (all.macroF1 > best.f1) best = { lambda, f1: all.macroF1 };
}

const { names, model } = fit(featured, best.lambda);
const weights = Array.from(model.weights, (w) => Math.round(w * 1e4) / 1e4);
// Features whose weights all round to zero are dropped (they change no prediction).
const keep: number[] = [];
names.forEach((_, j) => {
  if (j === 0 || weights.slice(j * 5, j * 5 + 5).some((w) => w !== 0)) keep.push(j);
});
const lexicons = fs
  .readdirSync(lexiconDir)
  .sort()
  .map((f) => fs.readFileSync(path.join(lexiconDir, f), 'utf8'))
  .join('\n');
const body = {
  classes: [...SENTIMENT_CLASSES],
  features: keep.map((j) => names[j]!),
  weights: keep.flatMap((j) => weights.slice(j * 5, j * 5 + 5)),
};
const version = `lr-${createHash('sha256').update(JSON.stringify(body)).update(lexicons).digest('hex').slice(0, 10)}`;
const out = {
  version,
  trained: {
    examples: featured.length,
    lambda: best.lambda,
    iterations: ITERATIONS,
    cv_macro_f1: Number(best.f1.toFixed(4)),
  },
  ...body,
};
fs.writeFileSync(modelFile, JSON.stringify(out) + '\n');
console.log(
  `wrote ${path.relative(root, modelFile)}: ${version}, ${body.features.length} features, lambda ${best.lambda}`,
);
