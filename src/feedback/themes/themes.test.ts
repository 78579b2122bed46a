import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_THEMES } from './defaults.ts';
import { compileThemes, tagThemes } from './tag-themes.ts';

const themes = compileThemes(DEFAULT_THEMES, 'test');

test('the ten default themes, each with keywords in the three languages', () => {
  assert.deepEqual(
    DEFAULT_THEMES.map((t) => t.id),
    [
      'availability',
      'responsiveness',
      'quality',
      'reliability',
      'proactivity',
      'communication',
      'friendliness',
      'personalization',
      'speed',
      'price',
    ],
  );
  for (const theme of DEFAULT_THEMES)
    for (const lang of ['en', 'ru', 'lt'] as const) assert.ok(theme.keywords[lang].split(' ').length >= 5);
});

test('a theme takes the tone of its own clause, cut at sentence ends and at "but"', () => {
  assert.deepEqual(tagThemes(themes, 'Fast delivery, but the agent was rude.', 'en', 'negative'), {
    speed: 'positive',
    friendliness: 'negative',
  });
  assert.deepEqual(tagThemes(themes, 'Долго ждал ответа. Зато оператор очень вежливый!', 'ru', 'positive'), {
    speed: 'negative',
    responsiveness: 'negative',
    friendliness: 'positive',
  });
  assert.deepEqual(tagThemes(themes, 'Labai brangu, bet operatorė maloni', 'lt', 'neutral'), {
    price: 'negative',
    friendliness: 'positive',
  });
  // A clause with no sentiment word takes the whole text's tone.
  assert.deepEqual(tagThemes(themes, 'The invoice again.', 'en', 'negative'), { price: 'negative' });
  assert.deepEqual(tagThemes(themes, 'Nothing about any of them.', 'en', 'neutral'), {});
});

test('the theme list version changes with a keyword', () => {
  const edited = DEFAULT_THEMES.map((t) =>
    t.id === 'price' ? { ...t, keywords: { ...t.keywords, en: 'price*' } } : t,
  );
  assert.notEqual(compileThemes(edited, 'test').version, themes.version);
  assert.equal(compileThemes(DEFAULT_THEMES, 'test').version, themes.version);
});
