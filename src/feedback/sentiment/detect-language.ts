import { en } from './lexicon/en.ts';
import { lt } from './lexicon/lt.ts';
import { foldWord, type SentimentLanguage } from './text.ts';

/**
 * Which of en, ru, lt a text is written in, from character statistics: Cyrillic letters mean
 * Russian; among Latin texts the Lithuanian letters (ą č ę ė į š ų ū ž), Lithuanian and English
 * function words and a few spelling habits (English "th", "ee"; Lithuanian endings -as, -ai, -ių,
 * -ųjų, "ač", "dž") decide. `null` when there is no letter to go by.
 */
const EN_STOP = new Set(en.stopwords);
const LT_STOP = new Set(lt.stopwords.map(foldWord));
// Whole words that are only Lithuanian once folded (typed without diacritics).
const LT_WORDS = new Set(['aciu', 'labai', 'dekoju', 'gerai', 'blogai', 'neveikia', 'laba', 'diena', 'prasau', 'deja']);

export interface DetectedLanguage {
  language: SentimentLanguage;
  /** 0..1: how clearly the text points to this language. */
  confidence: number;
}

export function detectLanguage(text: string): DetectedLanguage | null {
  let cyrillic = 0;
  let latin = 0;
  let ltLetters = 0;
  for (const ch of text) {
    if (/\p{Script=Cyrillic}/u.test(ch)) cyrillic++;
    else if (/\p{Script=Latin}/u.test(ch)) {
      latin++;
      if (/[ąčęėįšųūžĄČĘĖĮŠŲŪŽ]/.test(ch)) ltLetters++;
    }
  }
  if (cyrillic === 0 && latin === 0) return null;
  if (cyrillic >= latin) return { language: 'ru', confidence: cyrillic / (cyrillic + latin) };
  let ltScore = ltLetters * 2;
  let enScore = 0;
  for (const raw of text.toLowerCase().match(/\p{L}+(?:'\p{L}+)?/gu) ?? []) {
    const word = foldWord(raw);
    if (EN_STOP.has(word)) enScore += 1;
    if (LT_STOP.has(word) || LT_WORDS.has(word)) ltScore += 1;
    if (/'/.test(word) || /th|ee|oo|ck|wh|ea|ou/.test(word)) enScore += 0.5;
    if (/(?:as|ai|is|ių|ų|uj|us|ės|ei|ti|si)$/.test(raw) && raw.length > 3) ltScore += 0.3;
    if (/(?:ač|dž|šk|ži|uo|ie)/.test(raw)) ltScore += 0.3;
    if (/[wqxy]/.test(word)) enScore += 0.5;
  }
  if (ltScore === 0 && enScore === 0) return { language: 'en', confidence: 0.5 };
  return ltScore > enScore
    ? { language: 'lt', confidence: ltScore / (ltScore + enScore) }
    : { language: 'en', confidence: enScore / (ltScore + enScore) };
}
