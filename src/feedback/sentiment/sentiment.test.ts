import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { evaluate } from './evaluate.ts';
import { analyzeSentiment, detectLanguage, SENTIMENT_CLASSES, threeClass } from './index.ts';
import { LEXICONS } from './lexicon/index.ts';
import { readLexicon } from './score-lexicon.ts';
import { trainSoftmax, predictProbabilities } from './softmax.ts';
import { tokenize, type SentimentLanguage } from './text.ts';

const compound = (text: string, lang: SentimentLanguage) => readLexicon(tokenize(text), lang).compound;

test('negation turns a word: English "not", Russian "не", Lithuanian "ne" and the ne-/nebe- prefix', () => {
  const cases: [SentimentLanguage, string, string][] = [
    ['en', 'helpful', 'not helpful'],
    ['en', 'the agent was good', "the agent wasn't good"],
    ['ru', 'оператор вежливый', 'оператор не вежливый'],
    ['ru', 'помогли', 'не помогли'],
    ['lt', 'padėjo', 'nepadėjo'],
    ['lt', 'operatorius mandagus', 'operatorius nemandagus'],
    ['lt', 'patenkintas', 'ne patenkintas'],
  ];
  for (const [lang, plain, negated] of cases) {
    assert.ok(compound(plain, lang) > 0, `${plain} reads positive`);
    assert.ok(compound(negated, lang) < 0, `${negated} reads negative`);
  }
  assert.ok(compound('неплохо', 'ru') > 0, 'неплохо (not bad) is mildly good');
  assert.ok(compound('neblogai', 'lt') > 0, 'neblogai (not bad) is mildly good');
});

test('phrases are read as a whole before their words', () => {
  assert.ok(compound('не работает', 'ru') <= -0.5);
  assert.ok(compound('огромное спасибо', 'ru') >= 0.6);
  assert.ok(compound('niekas neatsako', 'lt') <= -0.5);
  assert.ok(compound('thanks for nothing', 'en') < -0.6, 'sarcastic thanks is negative');
  assert.ok(compound('спасибо ни за что', 'ru') < -0.6);
  assert.ok(compound('ačiū už nieką', 'lt') < -0.6);
});

test('boosters, dampeners, capitals, exclamations and "but" move the reading as they should', () => {
  assert.ok(compound('very good', 'en') > compound('good', 'en'));
  assert.ok(compound('a bit slow', 'en') > compound('slow', 'en'));
  assert.ok(compound('очень плохо', 'ru') < compound('плохо', 'ru'));
  assert.ok(compound('labai gerai', 'lt') > compound('gerai', 'lt'));
  assert.ok(compound('the support is GOOD', 'en') > compound('the support is good', 'en'));
  assert.ok(compound('good!!!', 'en') > compound('good', 'en'));
  // What follows "but" counts more.
  assert.ok(compound('the agent was nice but the problem is still not solved', 'en') < 0);
  assert.ok(compound('ответ долгий, но проблему решили отлично', 'ru') > 0);
  assert.ok(compound('atsakė lėtai, bet viską puikiai sutvarkė', 'lt') > 0);
});

test('Lithuanian typed without diacritics reads like with them', () => {
  assert.equal(compound('labai aciu, puikus aptarnavimas', 'lt'), compound('labai ačiū, puikus aptarnavimas', 'lt'));
});

test('the lexicons have several hundred entries per language', () => {
  for (const lang of ['en', 'ru', 'lt'] as const)
    assert.ok(LEXICONS[lang].size >= 300, `${lang}: ${LEXICONS[lang].size}`);
});

test('language detection: Cyrillic is Russian; Lithuanian by its letters and words, also without diacritics', () => {
  const cases: [string, SentimentLanguage][] = [
    ['Спасибо за помощь', 'ru'],
    ['Ačiū už pagalbą', 'lt'],
    ['labai aciu, viskas veikia', 'lt'],
    ['Thanks for the help, it works now', 'en'],
    ['The agent was great', 'en'],
    ['niekas neatsako i laiskus', 'lt'],
  ];
  for (const [text, language] of cases) assert.equal(detectLanguage(text)?.language, language, text);
  assert.equal(detectLanguage('12345 !!! 👍'), null, 'no letters, no language');
});

test('analyzeSentiment: classes at the ends, score within [-1, 1], language detected, empty text is null', () => {
  assert.equal(analyzeSentiment('Worst support ever, nobody answers, I want my money back!!!')?.class, 'very_negative');
  assert.equal(analyzeSentiment('Огромное спасибо, вы лучшие!')?.class, 'very_positive');
  assert.equal(analyzeSentiment('Tiesiog siaubas, niekas neatsako')?.class, 'very_negative');
  assert.equal(analyzeSentiment('Огромное спасибо')?.language, 'ru');
  assert.equal(analyzeSentiment('   '), null);
  assert.equal(analyzeSentiment('👍', { fallbackLanguage: 'lt' })?.language, 'lt');
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), fc.constantFrom('auto', 'en', 'ru', 'lt'), (text, language) => {
      const r = analyzeSentiment(text, { language: language as never });
      if (!text.trim()) return r === null;
      return r !== null && r.score >= -1 && r.score <= 1 && SENTIMENT_CLASSES.includes(r.class);
    }),
  );
  const once = analyzeSentiment('Не особо помогли, но спасибо');
  assert.deepEqual(analyzeSentiment('Не особо помогли, но спасибо'), once, 'the same text gives the same answer');
});

test('the classifier: same data, same weights; it learns a separable toy set', () => {
  const examples = [
    { x: [[0, 1] as [number, number], [1, 1] as [number, number]], y: 0 },
    { x: [[0, 1] as [number, number], [2, 1] as [number, number]], y: 1 },
    { x: [[0, 1] as [number, number], [1, 1] as [number, number]], y: 0 },
    { x: [[0, 1] as [number, number], [2, 1] as [number, number]], y: 1 },
  ];
  const options = { classes: 2, features: 3, lambda: 0.001, iterations: 200, rate: 0.1, biasIndex: 0 };
  const a = trainSoftmax(examples, options);
  const b = trainSoftmax(examples, options);
  assert.deepEqual(Array.from(a.weights), Array.from(b.weights));
  assert.ok(
    predictProbabilities(a, [
      [0, 1],
      [1, 1],
    ])[0]! > 0.9,
  );
  assert.ok(
    predictProbabilities(a, [
      [0, 1],
      [2, 1],
    ])[1]! > 0.9,
  );
});

test('evaluate: hand-worked macro-F1 and confusion matrix', () => {
  // a: tp 2, fp 1, fn 0 -> P 2/3, R 1, F1 0.8; b: tp 1, fp 0, fn 1 -> P 1, R 1/2, F1 2/3.
  const e = evaluate(['a', 'b'], ['a', 'a', 'b', 'b'], ['a', 'a', 'a', 'b']);
  assert.deepEqual(e.confusion, [
    [2, 0],
    [1, 1],
  ]);
  assert.ok(Math.abs(e.macroF1 - (0.8 + 2 / 3) / 2) < 1e-12);
  assert.equal(e.accuracy, 0.75);
  assert.equal(threeClass('very_negative'), 'negative');
});
