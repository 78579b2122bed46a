import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en, { type Messages } from './locales/en.ts';
import lt from './locales/lt.ts';
import ru from './locales/ru.ts';

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: Messages };
  }
}

export const LANGUAGES = ['en', 'ru', 'lt'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'cxkpi.language';

/** The language the reader chose on this browser, if any; otherwise the organization's. */
export function storedLanguage(): Language | undefined {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.includes(value as Language) ? (value as Language) : undefined;
  } catch {
    return undefined;
  }
}

export function chooseLanguage(language: Language, remember: boolean) {
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }
  document.documentElement.lang = language;
  if (i18next.language !== language) void i18next.changeLanguage(language);
}

const initial = storedLanguage() ?? (navigator.language.slice(0, 2) as Language);
void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, ru: { translation: ru }, lt: { translation: lt } },
  lng: LANGUAGES.includes(initial) ? initial : 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = i18next.language;

export default i18next;
